/**
 * Everything the service knows about a store, by its Jumpseller code: the hooks token that signs its
 * webhooks, its settings, and API clients bound to its credentials. Clients are built once per store
 * and process so each store's rate limiters are shared by every activity in that process.
 *
 * Single-store mode takes credentials from the configuration; settings always come from the database.
 */
import type { Db } from '../db/database.js';
import { findStore, listStoreCodes } from '../db/stores-repository.js';
import { createJumpsellerClient, type JumpsellerClient } from '../jumpseller/client.js';
import { createRelbaseClient, type RelbaseClient } from '../relbase/client.js';
import { readSettings, type StoreSettings } from './settings.js';

export interface StoreCredentials {
  code: string;
  jumpsellerLogin: string;
  jumpsellerAuthToken: string;
  hooksToken: string;
  relbaseUserToken: string;
  relbaseCompanyToken: string;
}

export interface StoreContext {
  code: string;
  hooksToken: string;
  settings: StoreSettings;
  jumpseller: JumpsellerClient;
  relbase: RelbaseClient;
}

export interface StoreRegistry {
  /** Undefined when the store is unknown or not active. */
  get(code: string): Promise<StoreContext | undefined>;
  /** Only the hooks token: the webhook ingress needs nothing else. */
  hooksToken(code: string): Promise<string | undefined>;
  codes(): Promise<string[]>;
}

export interface StoreRegistryOptions {
  db: Db;
  jumpsellerApiUrl: string;
  relbaseApiUrl: string;
  /** Stores configured through variables. */
  configured: StoreCredentials[];
}

export function createStoreRegistry(o: StoreRegistryOptions): StoreRegistry {
  const clients = new Map<string, { jumpseller: JumpsellerClient; relbase: RelbaseClient }>();
  const configured = new Map(o.configured.map((s) => [s.code, s]));

  function clientsFor(creds: StoreCredentials) {
    let c = clients.get(creds.code);
    if (!c) {
      c = {
        jumpseller: createJumpsellerClient({
          baseUrl: o.jumpsellerApiUrl,
          auth: { kind: 'basic', login: creds.jumpsellerLogin, authToken: creds.jumpsellerAuthToken },
        }),
        relbase: createRelbaseClient({
          baseUrl: o.relbaseApiUrl,
          userToken: creds.relbaseUserToken,
          companyToken: creds.relbaseCompanyToken,
        }),
      };
      clients.set(creds.code, c);
    }
    return c;
  }

  return {
    async get(code) {
      const creds = configured.get(code);
      if (!creds) return undefined;
      const row = await findStore(o.db, code);
      if (!row || row.status !== 'active') return undefined;
      return { code, hooksToken: creds.hooksToken, settings: readSettings(row.settings), ...clientsFor(creds) };
    },
    hooksToken(code) {
      return Promise.resolve(configured.get(code)?.hooksToken);
    },
    async codes() {
      const active = await listStoreCodes(o.db);
      return active.filter((c) => configured.has(c));
    },
  };
}
