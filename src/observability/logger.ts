/**
 * Structured logs (pino). Anything that could hold a credential is redacted by key, wherever it is
 * nested, so a careless `logger.info({ config })` still cannot print a token.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

const SECRET_KEYS = [
  'authorization',
  'Authorization',
  'company',
  'Company',
  'password',
  'authToken',
  'auth_token',
  'authtoken',
  'hooksToken',
  'hooks_token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'userToken',
  'companyToken',
  'adminToken',
  'secretsKey',
  'clientSecret',
  'client_secret',
  'token',
  'jumpseller-hmac-sha256',
];

export const REDACT_PATHS = SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `*.*.*.${k}`]);

export function createLogger(level: string = 'info', destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'jumpseller-relbase' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
