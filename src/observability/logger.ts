/**
 * Structured logs (pino). Anything that could hold a credential is redacted by key, wherever it is
 * nested, so a careless `logger.info({ config })` still cannot print a token. Redaction happens when
 * a line is built, before either format writes it: JSON (one object a line, for log collectors) or
 * pretty (pino-pretty, for a person at a terminal).
 */
import { createRequire } from 'node:module';
import { pino, type Logger } from 'pino';
import type { PrettyOptions } from 'pino-pretty';

export type { Logger };

/** `json`: one JSON object a line. `pretty`: readable lines with local times and colours. */
export type LogFormat = 'json' | 'pretty';

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
  'secretsKeyring',
  'encryptionKeys',
  'apiKey',
  'clientSecret',
  'client_secret',
  'token',
  'jumpseller-hmac-sha256',
];

export const REDACT_PATHS = SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `*.*.*.${k}`]);

/**
 * The format of a process's logs: LOG_FORMAT when set; otherwise pretty when stdout is a terminal
 * (`npm start` in a shell) and JSON when it is not (a pipe, a file, a container's log collector).
 */
export function chooseLogFormat(setting: LogFormat | undefined, stdoutIsTerminal: boolean): LogFormat {
  return setting ?? (stdoutIsTerminal ? 'pretty' : 'json');
}

type PrettyFactory = (options: PrettyOptions) => pino.DestinationStream;

/**
 * pino-pretty is a dev dependency: an install without them (`npm ci --omit=dev`, the Docker image)
 * has none, and logs JSON. Loaded only when pretty logs are asked for.
 */
function loadPinoPretty(): PrettyFactory | null {
  try {
    return createRequire(import.meta.url)('pino-pretty') as PrettyFactory;
  } catch {
    return null;
  }
}

/**
 * A logger writing to `destination` (default stdout) in `format` (default JSON). Pretty output on a
 * stream of a test is written without colours; on stdout pino-pretty colours it when the terminal can.
 */
export function createLogger(level: string = 'info', destination?: pino.DestinationStream, format: LogFormat = 'json'): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'jumpseller-relbase' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (format === 'json') return pino(options, destination);
  const pretty = loadPinoPretty();
  if (!pretty) throw new Error('LOG_FORMAT=pretty needs pino-pretty, a dev dependency this install does not have: run `npm install`, or set LOG_FORMAT=json');
  return pino(
    options,
    pretty({
      translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l',
      ignore: 'pid,hostname,service',
      sync: true,
      ...(destination ? { destination, colorize: false } : {}),
    }),
  );
}

/**
 * The logger of a process (`npm start`, `npm run api`, `npm run worker`, the sandbox): the format
 * from LOG_FORMAT or from whether stdout is a terminal (chooseLogFormat). A terminal without
 * pino-pretty installed gets JSON; only an explicit LOG_FORMAT=pretty insists on it.
 */
export function createProcessLogger(level: string, setting: LogFormat | undefined, stdoutIsTerminal: boolean = process.stdout.isTTY === true): Logger {
  const format = chooseLogFormat(setting, stdoutIsTerminal);
  if (format === 'pretty' && setting === undefined && !loadPinoPretty()) return createLogger(level, undefined, 'json');
  return createLogger(level, undefined, format);
}
