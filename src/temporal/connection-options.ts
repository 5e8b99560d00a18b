/**
 * The options of every connection to TEMPORAL_ADDRESS (the API's and the worker's client, the
 * worker's native connection; schedules and admin actions go through the client), so TLS and the
 * API key apply everywhere and Temporal Cloud works. The mapping is Temporal's own: the settings are
 * an `@temporalio/envconfig` profile (the same variables its CLI and SDKs read) turned into
 * connection options by `toClientOptions`, which reads certificate files and turns TLS on for an
 * API key.
 */
import { toClientOptions } from '@temporalio/envconfig';
import type { TLSConfig } from '@temporalio/client';
import type { TemporalConnectionSettings } from '../config.js';

/** What both `Connection.connect` (client) and `NativeConnection.connect` (worker) take. */
export interface TemporalConnectionOptions {
  address: string;
  tls?: TLSConfig | boolean;
  apiKey?: string;
}

export function temporalConnectionOptions(settings: TemporalConnectionSettings, address: string): TemporalConnectionOptions {
  const { connectionOptions } = toClientOptions({
    address,
    ...(settings.apiKey !== undefined ? { apiKey: settings.apiKey } : {}),
    ...(settings.tls === false ? { tls: { disabled: true } } : settings.tls ? { tls: settings.tls } : {}),
  });
  const { tls, apiKey } = connectionOptions;
  return { address, ...(tls !== undefined && tls !== null ? { tls } : {}), ...(apiKey !== undefined ? { apiKey } : {}) };
}
