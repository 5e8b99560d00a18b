/** What the admin routes are built from. The HTTP app talks to workflows through the client only. */
import type { Client } from '@temporalio/client';
import type { Db } from '../../db/database.js';
import type { Store } from '../../db/schema.js';
import { findStore } from '../../db/stores-repository.js';
import type { Logger } from '../../observability/logger.js';
import type { StoreRegistry } from '../../stores/registry.js';
import { HttpError } from '../errors.js';

export interface AdminDeps {
  db: Db;
  temporal: Client;
  stores: StoreRegistry;
  logger: Logger;
  /** Unset: the admin API answers 503 saying how to turn it on. */
  adminToken: string | undefined;
  /** Seals installed stores' relBase tokens; unset: they cannot be set. */
  secretsKey: Buffer | undefined;
  /** Where Jumpseller reaches this service (the install steps register webhooks there). */
  publicUrl: string;
  /** Where workflows started from here run (tests use their own). */
  mainTaskQueue: string;
}

/** The store's row, or a 404 naming it. */
export async function requireStoreRow(db: Db, code: string): Promise<Store> {
  const row = await findStore(db, code);
  if (!row) throw new HttpError('not_found', `no store "${code}"`);
  return row;
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
