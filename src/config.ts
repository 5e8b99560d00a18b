/**
 * The service's configuration: the one place that reads `process.env`.
 *
 * Every variable is documented in `.env.example` and the README. `loadConfig` parses with zod, applies
 * the embedded defaults (everything runs on one machine with nothing configured) and fails fast with
 * one line per bad variable, naming it. Secrets are kept in the returned object but never printed:
 * `describeConfig` is what start-up logs.
 */
import { resolve } from 'node:path';
import { z } from 'zod';

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const optionalUrl = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()))
  .pipe(z.url({ message: 'must be a URL' }).optional());

const port = (fallback: number) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? String(fallback) : v.trim()))
    .pipe(z.string().regex(/^\d+$/, 'must be a whole number'))
    .transform(Number)
    .pipe(z.number().int().min(0, 'must be a port (0-65535)').max(65535, 'must be a port (0-65535)'));

const booleanFlag = (fallback: boolean) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? String(fallback) : v.trim().toLowerCase()))
    .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' }))
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** AES-256-GCM needs exactly 32 bytes: accepted as 64 hex characters or base64. */
const secretsKey = optionalString.pipe(
  z
    .string()
    .refine((v) => decodeKey(v) !== undefined, 'must be 32 bytes as 64 hex characters or base64')
    .optional(),
);

function decodeKey(v: string): Buffer | undefined {
  if (/^[0-9a-fA-F]{64}$/.test(v)) return Buffer.from(v, 'hex');
  const b = Buffer.from(v, 'base64');
  return b.length === 32 ? b : undefined;
}

const envSchema = z.object({
  PORT: port(3000),
  HOST: optionalString.transform((v) => v ?? '0.0.0.0'),
  DATA_DIR: optionalString.transform((v) => resolve(v ?? '.data')),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: optionalUrl,
  EMBEDDED_POSTGRES_PORT: port(5433),
  TEMPORAL_ADDRESS: optionalString,
  TEMPORAL_NAMESPACE: optionalString.transform((v) => v ?? 'default'),
  TEMPORAL_CLI_PATH: optionalString,
  TEMPORAL_DEV_PORT: port(7233),
  TEMPORAL_UI_PORT: port(8233),
  TEMPORAL_METRICS_PORT: optionalString.pipe(z.string().regex(/^\d+$/, 'must be a port number').transform(Number).optional()),
  PUBLIC_URL: optionalUrl,
  ADMIN_TOKEN: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  SECRETS_KEY: secretsKey,
  SANDBOX: z.enum(['auto', 'on', 'off'], { message: 'must be auto, on or off' }).default('auto'),
  SANDBOX_JUMPSELLER_PORT: port(4100),
  SANDBOX_RELBASE_PORT: port(4200),
  JUMPSELLER_API_URL: optionalUrl.transform((v) => v ?? 'https://api.jumpseller.com/v1'),
  JUMPSELLER_OAUTH_URL: optionalUrl.transform((v) => v ?? 'https://accounts.jumpseller.com'),
  JUMPSELLER_APP_CLIENT_ID: optionalString,
  JUMPSELLER_APP_CLIENT_SECRET: optionalString,
  JUMPSELLER_STORE_CODE: optionalString,
  JUMPSELLER_LOGIN: optionalString,
  JUMPSELLER_AUTH_TOKEN: optionalString,
  JUMPSELLER_HOOKS_TOKEN: optionalString,
  RELBASE_API_URL: optionalUrl.transform((v) => v ?? 'https://api.relbase.cl/api/v1'),
  RELBASE_USER_TOKEN: optionalString,
  RELBASE_COMPANY_TOKEN: optionalString,
  RELBASE_WAREHOUSE_ID: optionalString.pipe(z.string().regex(/^\d+$/, 'must be a relBase warehouse id (a number)').transform(Number).optional()),
  STORE_INSTALL_ON_START: booleanFlag(true),
  WEBHOOK_MAX_BODY_BYTES: optionalString.transform((v) => v ?? '1048576').pipe(z.string().regex(/^\d+$/, 'must be a whole number of bytes')).transform(Number),
});

type Env = z.infer<typeof envSchema>;

/** Credentials of the one store configured through variables (single-store mode). */
export interface SingleStoreConfig {
  code: string;
  login: string;
  authToken: string;
  hooksToken: string;
  relbaseUserToken: string;
  relbaseCompanyToken: string;
  relbaseWarehouseId: number | undefined;
}

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  logLevel: Env['LOG_LEVEL'];
  /** Unset: run an embedded PostgreSQL (PGlite) with its data under dataDir. */
  databaseUrl: string | undefined;
  embeddedPostgresPort: number;
  temporal: {
    /** Unset: run an embedded Temporal dev server (the CLI) with its Web UI. */
    address: string | undefined;
    namespace: string;
    cliPath: string | undefined;
    devPort: number;
    uiPort: number;
    /** Where the worker's Temporal SDK metrics are served for Prometheus; unset: off. */
    metricsPort: number | undefined;
  };
  publicUrl: string;
  adminToken: string | undefined;
  secretsKey: Buffer | undefined;
  sandbox: Env['SANDBOX'];
  sandboxPorts: { jumpseller: number; relbase: number };
  jumpseller: {
    apiUrl: string;
    oauthUrl: string;
    appClientId: string | undefined;
    appClientSecret: string | undefined;
  };
  relbase: { apiUrl: string };
  /** Present when the variables describe one store completely. */
  singleStore: SingleStoreConfig | undefined;
  installOnStart: boolean;
  webhookMaxBodyBytes: number;
}

/** Thrown by loadConfig; its message names every bad variable, one per line. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const SINGLE_STORE_VARS = [
  'JUMPSELLER_STORE_CODE',
  'JUMPSELLER_LOGIN',
  'JUMPSELLER_AUTH_TOKEN',
  'JUMPSELLER_HOOKS_TOKEN',
  'RELBASE_USER_TOKEN',
  'RELBASE_COMPANY_TOKEN',
] as const;

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    // Never echo the value: it may be a secret.
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;

  const given = SINGLE_STORE_VARS.filter((k) => e[k] !== undefined);
  if (given.length > 0 && given.length < SINGLE_STORE_VARS.length) {
    const missing = SINGLE_STORE_VARS.filter((k) => e[k] === undefined);
    throw new ConfigError(missing.map((k) => `${k}: required when ${given.join(', ')} ${given.length === 1 ? 'is' : 'are'} set (single-store mode)`));
  }
  if (e.SANDBOX === 'on' && given.length > 0) {
    throw new ConfigError(['SANDBOX: cannot be "on" while real store credentials are set; use "auto" or "off"']);
  }

  const singleStore: SingleStoreConfig | undefined =
    given.length === SINGLE_STORE_VARS.length
      ? {
          code: e.JUMPSELLER_STORE_CODE!,
          login: e.JUMPSELLER_LOGIN!,
          authToken: e.JUMPSELLER_AUTH_TOKEN!,
          hooksToken: e.JUMPSELLER_HOOKS_TOKEN!,
          relbaseUserToken: e.RELBASE_USER_TOKEN!,
          relbaseCompanyToken: e.RELBASE_COMPANY_TOKEN!,
          relbaseWarehouseId: e.RELBASE_WAREHOUSE_ID,
        }
      : undefined;

  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: e.DATA_DIR,
    logLevel: e.LOG_LEVEL,
    databaseUrl: e.DATABASE_URL,
    embeddedPostgresPort: e.EMBEDDED_POSTGRES_PORT,
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      cliPath: e.TEMPORAL_CLI_PATH,
      devPort: e.TEMPORAL_DEV_PORT,
      uiPort: e.TEMPORAL_UI_PORT,
      metricsPort: e.TEMPORAL_METRICS_PORT,
    },
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    adminToken: e.ADMIN_TOKEN,
    secretsKey: e.SECRETS_KEY === undefined ? undefined : decodeKey(e.SECRETS_KEY),
    sandbox: e.SANDBOX,
    sandboxPorts: { jumpseller: e.SANDBOX_JUMPSELLER_PORT, relbase: e.SANDBOX_RELBASE_PORT },
    jumpseller: {
      apiUrl: e.JUMPSELLER_API_URL.replace(/\/+$/, ''),
      oauthUrl: e.JUMPSELLER_OAUTH_URL.replace(/\/+$/, ''),
      appClientId: e.JUMPSELLER_APP_CLIENT_ID,
      appClientSecret: e.JUMPSELLER_APP_CLIENT_SECRET,
    },
    relbase: { apiUrl: e.RELBASE_API_URL.replace(/\/+$/, '') },
    singleStore,
    installOnStart: e.STORE_INSTALL_ON_START,
    webhookMaxBodyBytes: e.WEBHOOK_MAX_BODY_BYTES,
  };
}

/**
 * `npm run api` and `npm run worker` run against a deployed Temporal and PostgreSQL, never embedded
 * ones: both addresses must be configured. Returns them, or throws naming what is missing.
 */
export function requireExternalServices(config: Config, command: string): { databaseUrl: string; temporalAddress: string } {
  const problems = [
    ...(config.databaseUrl ? [] : [`DATABASE_URL: required by \`${command}\` (use \`npm start\` for the embedded database)`]),
    ...(config.temporal.address ? [] : [`TEMPORAL_ADDRESS: required by \`${command}\` (use \`npm start\` for the embedded Temporal)`]),
  ];
  if (problems.length > 0 || !config.databaseUrl || !config.temporal.address) throw new ConfigError(problems);
  return { databaseUrl: config.databaseUrl, temporalAddress: config.temporal.address };
}

/** Whether start-up should run the simulators: on request, or when no real store is configured. */
export function useSandbox(config: Config): boolean {
  if (config.sandbox === 'on') return true;
  if (config.sandbox === 'off') return false;
  return config.singleStore === undefined && config.jumpseller.appClientId === undefined;
}

/** A log-safe summary: where things are, never credentials. */
export function describeConfig(config: Config): Record<string, unknown> {
  return {
    port: config.port,
    dataDir: config.dataDir,
    database: config.databaseUrl ? redactUrl(config.databaseUrl) : 'embedded PGlite',
    temporal: config.temporal.address ?? 'embedded dev server',
    namespace: config.temporal.namespace,
    publicUrl: config.publicUrl,
    store: config.singleStore?.code ?? null,
    sandbox: useSandbox(config),
    adminApi: config.adminToken ? 'enabled' : 'disabled (ADMIN_TOKEN unset)',
  };
}

/** postgres://user:secret@host/db → postgres://user:***@host/db */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<unparseable url>';
  }
}
