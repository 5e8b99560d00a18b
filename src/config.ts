/**
 * The service's configuration: the one place that reads `process.env`.
 *
 * Every variable is documented in `.env.example` and docs/configuration.md. `loadConfig` parses with zod, applies
 * the embedded defaults (everything runs on one machine with nothing configured) and fails fast with
 * one line per bad variable, naming it. Secrets are kept in the returned object but never printed:
 * `describeConfig` is what start-up logs.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { JUMPSELLER_IMAGE_HOSTS } from './jumpseller/image-hosts.js';
import { parseApiTokens, type ApiToken } from './security/api-tokens.js';
import { parseKeyring, type Keyring } from './crypto/keyring.js';
import { BUILD_ID_PATTERN, BUILD_ID_RULE, DEFAULT_DEPLOYMENT_NAME, type WorkerVersioningSettings } from './temporal/worker-deployment.js';

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

/** A keyring (src/crypto/keyring.ts): `id:key,…`, newest first; a bare 32-byte key is one entry. */
const keyring = optionalString.transform((v, ctx): Keyring | undefined => {
  if (v === undefined) return undefined;
  try {
    return parseKeyring(v);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: err instanceof Error ? err.message : 'not a keyring' });
    return z.NEVER;
  }
});

const wholeNumber = (fallback: number, min: number, what: string) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? String(fallback) : v.trim()))
    .pipe(z.string().regex(/^\d+$/, `must be a whole number of ${what}`))
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min} ${what}`));

/** `host`, `*.domain` (any subdomain) or either with `:port`; lower case. */
const IMAGE_HOST = /^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$/;

const imageHosts = optionalString
  .transform((v) =>
    v === undefined
      ? [...JUMPSELLER_IMAGE_HOSTS]
      : v
          .split(',')
          .map((h) => h.trim().toLowerCase())
          .filter((h) => h !== ''),
  )
  .refine((hosts) => hosts.every((h) => IMAGE_HOST.test(h)), 'must be host names separated by commas (e.g. cdnx.jumpseller.com,*.example.cl), no scheme or path');

/** `*` (every store) or Jumpseller store codes separated by commas; unset: none. */
const storeAllowList = optionalString
  .transform((v): '*' | string[] =>
    v?.trim() === '*'
      ? '*'
      : (v ?? '')
          .split(',')
          .map((c) => c.trim().toLowerCase())
          .filter((c) => c !== ''),
  )
  .refine((list) => list === '*' || list.every((c) => /^[a-z0-9][a-z0-9-]{0,62}$/.test(c)), 'must be * or Jumpseller store codes separated by commas');

/** Unset stays unset (TEMPORAL_TLS: decided by the other TLS variables). */
const optionalFlag = optionalString
  .transform((v) => v?.toLowerCase())
  .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' }).optional())
  .transform((v) => (v === undefined ? undefined : v === 'true' || v === '1' || v === 'yes'));

const originList = optionalString.transform((v, ctx) => {
  const origins = (v ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o !== '');
  for (const o of origins) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(o);
    } catch {
      parsed = undefined;
    }
    if (!parsed || parsed.origin !== o.replace(/\/+$/, '')) {
      ctx.addIssue({ code: 'custom', message: 'must be origins (scheme://host[:port]) separated by commas' });
      return z.NEVER;
    }
  }
  return origins.map((o) => new URL(o).origin);
});

const envSchema = z.object({
  PORT: port(3000),
  HOST: optionalString.transform((v) => v ?? '0.0.0.0'),
  DATA_DIR: optionalString.transform((v) => resolve(v ?? '.data')),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // Empty is unset (docker-compose passes `${LOG_FORMAT:-}` through).
  LOG_FORMAT: optionalString.pipe(z.enum(['json', 'pretty'], { message: 'must be json or pretty' }).optional()),
  DATABASE_URL: optionalUrl,
  EMBEDDED_POSTGRES_PORT: port(5433),
  TEMPORAL_ADDRESS: optionalString,
  TEMPORAL_NAMESPACE: optionalString.transform((v) => v ?? 'default'),
  TEMPORAL_CLI_PATH: optionalString,
  TEMPORAL_DEV_PORT: port(7233),
  TEMPORAL_UI_PORT: port(8233),
  TEMPORAL_METRICS_PORT: optionalString.pipe(z.string().regex(/^\d+$/, 'must be a port number').transform(Number).optional()),
  // Temporal's own names for these (its CLI and every SDK's environment configuration read them too).
  TEMPORAL_API_KEY: optionalString,
  TEMPORAL_TLS: optionalFlag,
  TEMPORAL_TLS_CLIENT_CERT_PATH: optionalString,
  TEMPORAL_TLS_CLIENT_CERT_DATA: optionalString,
  TEMPORAL_TLS_CLIENT_KEY_PATH: optionalString,
  TEMPORAL_TLS_CLIENT_KEY_DATA: optionalString,
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: optionalString,
  TEMPORAL_TLS_SERVER_CA_CERT_DATA: optionalString,
  TEMPORAL_TLS_SERVER_NAME: optionalString,
  TEMPORAL_TLS_DISABLE_HOST_VERIFICATION: optionalFlag,
  TEMPORAL_ENCRYPTION_KEYS: keyring,
  TEMPORAL_UI_ORIGINS: originList,
  // Worker Versioning (src/temporal/worker-deployment.ts); unset build id: unversioned workers.
  TEMPORAL_WORKER_BUILD_ID: optionalString.pipe(z.string().regex(BUILD_ID_PATTERN, BUILD_ID_RULE).optional()),
  TEMPORAL_WORKER_DEPLOYMENT: optionalString.pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/, 'must be a deployment name: letters, digits, _ and - (no dots), at most 100')
      .optional(),
  ),
  TEMPORAL_WORKER_PROMOTE: booleanFlag(true),
  PUBLIC_URL: optionalUrl,
  INTERNAL_PORT: optionalString.pipe(
    z.string().regex(/^\d+$/, 'must be a port number').transform(Number).pipe(z.number().int().min(0).max(65535, 'must be a port (0-65535)')).optional(),
  ),
  INTERNAL_HOST: optionalString,
  TRUST_PROXY: booleanFlag(false),
  INSTALL_RATE_LIMIT_PER_MINUTE: wholeNumber(30, 1, 'requests per minute'),
  INSTALL_AUTO_APPROVE_STORES: storeAllowList,
  // Strength and format are checked by parseApiTokens, which names the variable.
  ADMIN_TOKEN: optionalString,
  ADMIN_TOKENS: optionalString,
  STOCK_NOTICES_TOKEN: optionalString,
  OPS_TOKEN: optionalString,
  AUDIT_LOG_RETENTION_DAYS: wholeNumber(365, 1, 'days'),
  IMAGE_HOSTS: imageHosts,
  DATABASE_POOL_SIZE: optionalString.pipe(
    z.string().regex(/^\d+$/, 'must be a whole number of connections').transform(Number).pipe(z.number().int().min(1, 'must be at least 1 connection')).optional(),
  ),
  DATABASE_STATEMENT_TIMEOUT_MS: wholeNumber(30_000, 100, 'milliseconds'),
  DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: wholeNumber(60_000, 100, 'milliseconds'),
  SECRETS_KEY: keyring,
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
  WEBHOOK_DISPATCH_MAX_ATTEMPTS: wholeNumber(10, 1, 'attempts'),
  WEBHOOK_BODY_RETENTION_DAYS: wholeNumber(7, 0, 'days'),
  WEBHOOK_DELIVERY_RETENTION_DAYS: wholeNumber(90, 1, 'days'),
  WEBHOOK_MAX_BODY_BYTES: optionalString
    .transform((v) => v ?? '1048576')
    .pipe(z.string().regex(/^\d+$/, 'must be a whole number of bytes'))
    .transform(Number),
});

type Env = z.infer<typeof envSchema>;

/** Every variable the service reads (docker-compose's test checks each reaches the app or is embedded-only). */
export const ENV_VARIABLES = Object.keys(envSchema.shape) as (keyof Env)[];

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
  /** Unset: pretty on a terminal, JSON otherwise (src/observability/logger.ts). */
  logFormat: Env['LOG_FORMAT'];
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
    /** TLS and API key for TEMPORAL_ADDRESS (Temporal Cloud, a secured cluster); used by every connection. */
    connection: TemporalConnectionSettings;
    /**
     * Seals every payload this service puts in Temporal (src/temporal/payload-codec.ts). Unset: a
     * development key under dataDir with the embedded dev server; required with TEMPORAL_ADDRESS.
     */
    encryptionKeys: Keyring | undefined;
    /** Origins of the Temporal Web UI allowed to call the codec endpoint (CORS); [] = none but the embedded UI's. */
    uiOrigins: string[];
    /** Worker Versioning: which deployment and build this process's workers are. */
    versioning: WorkerVersioningSettings;
  };
  publicUrl: string;
  /** Health, readiness and metrics on their own port (unset: on the main port, as before). */
  internal: { port: number | undefined; host: string };
  /** Behind a reverse proxy: the client address is the last X-Forwarded-For entry, not the socket's. */
  trustProxy: boolean;
  /** Per client address, for /install and /oauth/callback. */
  installRateLimitPerMinute: number;
  /** Stores whose OAuth install is active at once (`*`: all); any other waits for an operator's approval. */
  installAutoApprove: '*' | string[];
  /** Every bearer token the service accepts, as digests: operators' admin tokens and the stock-notice token. */
  apiTokens: { admin: ApiToken[]; stockNotices: ApiToken | undefined };
  /** What `npm run ops` sends: OPS_TOKEN, else ADMIN_TOKEN. */
  opsToken: string | undefined;
  auditLogRetentionDays: number;
  /** Hosts product images may be downloaded from. */
  imageHosts: string[];
  database: {
    /** Connections per pool; unset: each process's own budget (see runtime/pool-budgets.ts). */
    poolSize: number | undefined;
    statementTimeoutMs: number;
    idleInTransactionTimeoutMs: number;
  };
  /** False when PUBLIC_URL is unset and `publicUrl` is only the local guess (`http://localhost:$PORT`). */
  publicUrlSet: boolean;
  /** SECRETS_KEY: seals OAuth tokens and hooks tokens in PostgreSQL. */
  secretsKeyring: Keyring | undefined;
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
  webhookDeliveries: {
    /** Failed dispatches (Temporal answering but refusing) before a stored delivery is dead-lettered. */
    maxDispatchAttempts: number;
    /** Days a delivery keeps its whole body; then it is reduced (personal data removed). */
    bodyRetentionDays: number;
    /** Days a delivery is kept at all; then it is deleted (never while it still waits for dispatch). */
    retentionDays: number;
  };
}

/** PEM text, from a file or from the variable itself. */
export type PemSource = { path: string } | { data: string };

/** How to reach TEMPORAL_ADDRESS securely; the shape of `@temporalio/envconfig`'s TLS profile. */
export interface TemporalConnectionSettings {
  /** False: TLS off even with an API key refused; undefined: on only when an API key is set. */
  tls: { clientCert?: PemSource; clientKey?: PemSource; serverCACert?: PemSource; serverName?: string } | false | undefined;
  apiKey: string | undefined;
}

/** Thrown by loadConfig; its message names every bad variable, one per line. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const SINGLE_STORE_VARS = ['JUMPSELLER_STORE_CODE', 'JUMPSELLER_LOGIN', 'JUMPSELLER_AUTH_TOKEN', 'JUMPSELLER_HOOKS_TOKEN', 'RELBASE_USER_TOKEN', 'RELBASE_COMPANY_TOKEN'] as const;

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  const trimmed = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim());
  const tokens = parseApiTokens({ ADMIN_TOKEN: trimmed(env.ADMIN_TOKEN), ADMIN_TOKENS: trimmed(env.ADMIN_TOKENS), STOCK_NOTICES_TOKEN: trimmed(env.STOCK_NOTICES_TOKEN) });
  if (!parsed.success || tokens.problems.length > 0) {
    // Never echo the value: it may be a secret.
    throw new ConfigError([...(parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)), ...tokens.problems]);
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

  const connection = temporalConnectionSettings(e);

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
    logFormat: e.LOG_FORMAT,
    databaseUrl: e.DATABASE_URL,
    embeddedPostgresPort: e.EMBEDDED_POSTGRES_PORT,
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      cliPath: e.TEMPORAL_CLI_PATH,
      devPort: e.TEMPORAL_DEV_PORT,
      uiPort: e.TEMPORAL_UI_PORT,
      metricsPort: e.TEMPORAL_METRICS_PORT,
      connection,
      encryptionKeys: e.TEMPORAL_ENCRYPTION_KEYS,
      uiOrigins: e.TEMPORAL_UI_ORIGINS,
      versioning: {
        deploymentName: e.TEMPORAL_WORKER_DEPLOYMENT ?? DEFAULT_DEPLOYMENT_NAME,
        buildId: e.TEMPORAL_WORKER_BUILD_ID,
        promoteOnStart: e.TEMPORAL_WORKER_PROMOTE,
      },
    },
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    internal: { port: e.INTERNAL_PORT, host: e.INTERNAL_HOST ?? e.HOST },
    trustProxy: e.TRUST_PROXY,
    installRateLimitPerMinute: e.INSTALL_RATE_LIMIT_PER_MINUTE,
    installAutoApprove: e.INSTALL_AUTO_APPROVE_STORES,
    apiTokens: { admin: tokens.admin, stockNotices: tokens.stockNotices },
    opsToken: e.OPS_TOKEN ?? e.ADMIN_TOKEN,
    auditLogRetentionDays: e.AUDIT_LOG_RETENTION_DAYS,
    imageHosts: e.IMAGE_HOSTS,
    database: {
      poolSize: e.DATABASE_POOL_SIZE,
      statementTimeoutMs: e.DATABASE_STATEMENT_TIMEOUT_MS,
      idleInTransactionTimeoutMs: e.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    },
    publicUrlSet: e.PUBLIC_URL !== undefined,
    secretsKeyring: e.SECRETS_KEY,
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
    webhookDeliveries: {
      maxDispatchAttempts: e.WEBHOOK_DISPATCH_MAX_ATTEMPTS,
      bodyRetentionDays: e.WEBHOOK_BODY_RETENTION_DAYS,
      retentionDays: e.WEBHOOK_DELIVERY_RETENTION_DAYS,
    },
  };
}

const TLS_PAIRS = [
  ['clientCert', 'TEMPORAL_TLS_CLIENT_CERT'],
  ['clientKey', 'TEMPORAL_TLS_CLIENT_KEY'],
  ['serverCACert', 'TEMPORAL_TLS_SERVER_CA_CERT'],
] as const;

/**
 * TLS and API key for TEMPORAL_ADDRESS, checked so a half-done setup stops the start naming what is
 * wrong instead of failing later in a TLS handshake: a certificate needs its key, a file must exist,
 * an API key is never sent in clear, and the embedded dev server (no TEMPORAL_ADDRESS) has no TLS.
 */
function temporalConnectionSettings(e: Env): TemporalConnectionSettings {
  const problems: string[] = [];
  const sources: { clientCert?: PemSource; clientKey?: PemSource; serverCACert?: PemSource } = {};
  for (const [field, prefix] of TLS_PAIRS) {
    const path = e[`${prefix}_PATH`];
    const data = e[`${prefix}_DATA`];
    if (path !== undefined && data !== undefined) problems.push(`${prefix}_PATH: set either it or ${prefix}_DATA, not both`);
    else if (path !== undefined) {
      if (!existsSync(path)) problems.push(`${prefix}_PATH: no file at that path`);
      sources[field] = { path };
    } else if (data !== undefined) sources[field] = { data: data.replace(/\\n/g, '\n') };
  }
  if (sources.clientCert && !sources.clientKey) problems.push('TEMPORAL_TLS_CLIENT_KEY_PATH: required with a client certificate (or TEMPORAL_TLS_CLIENT_KEY_DATA)');
  if (sources.clientKey && !sources.clientCert) problems.push('TEMPORAL_TLS_CLIENT_CERT_PATH: required with a client key (or TEMPORAL_TLS_CLIENT_CERT_DATA)');
  if (e.TEMPORAL_TLS_DISABLE_HOST_VERIFICATION)
    problems.push('TEMPORAL_TLS_DISABLE_HOST_VERIFICATION: not supported by the TypeScript SDK; set TEMPORAL_TLS_SERVER_NAME to the name on the server certificate instead');
  const anyTls = Object.keys(sources).length > 0 || e.TEMPORAL_TLS_SERVER_NAME !== undefined;
  if (e.TEMPORAL_TLS === false && anyTls) problems.push('TEMPORAL_TLS: is false while other TEMPORAL_TLS_* variables are set');
  if (e.TEMPORAL_TLS === false && e.TEMPORAL_API_KEY !== undefined) problems.push('TEMPORAL_API_KEY: would be sent without TLS; remove TEMPORAL_TLS=false');
  const secured = anyTls || e.TEMPORAL_TLS === true || e.TEMPORAL_API_KEY !== undefined;
  if (secured && e.TEMPORAL_ADDRESS === undefined) {
    problems.push('TEMPORAL_ADDRESS: required with TEMPORAL_TLS_* or TEMPORAL_API_KEY (the embedded dev server has no TLS)');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const tlsOn = e.TEMPORAL_TLS === true || anyTls;
  return {
    tls: e.TEMPORAL_TLS === false ? false : tlsOn ? { ...sources, ...(e.TEMPORAL_TLS_SERVER_NAME ? { serverName: e.TEMPORAL_TLS_SERVER_NAME } : {}) } : undefined,
    apiKey: e.TEMPORAL_API_KEY,
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
    temporalSecurity: [config.temporal.connection.tls ? 'TLS' : null, config.temporal.connection.apiKey ? 'API key' : null].filter(Boolean).join(' + ') || 'plain',
    temporalEncryptionKeys: config.temporal.encryptionKeys ? config.temporal.encryptionKeys.keys.map((k) => k.id) : 'development key under DATA_DIR',
    workerVersioning: config.temporal.versioning.buildId
      ? `${config.temporal.versioning.deploymentName} build ${config.temporal.versioning.buildId}${config.temporal.versioning.promoteOnStart ? ' (made current on start)' : ''}`
      : 'unversioned',
    publicUrl: config.publicUrl,
    store: config.singleStore?.code ?? null,
    sandbox: useSandbox(config),
    adminApi: config.apiTokens.admin.length > 0 ? `enabled for ${config.apiTokens.admin.map((t) => t.name).join(', ')}` : 'disabled (ADMIN_TOKEN and ADMIN_TOKENS unset)',
    stockNotices: config.apiTokens.stockNotices ? 'enabled' : 'disabled (STOCK_NOTICES_TOKEN unset)',
    healthAndMetrics: config.internal.port === undefined ? 'on the main port' : `on internal port ${config.internal.port}`,
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
