/** What the admin routes are built from. The HTTP app talks to workflows through the client only. */
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { webhookUrl } from '../../install/install-plan.js';
import type { MiddlewareHandler } from 'hono';
import type { Db } from '../../db/database.js';
import type { Store } from '../../db/schema.js';
import { findStore } from '../../db/stores-repository.js';
import type { Keyring } from '../../crypto/keyring.js';
import type { Logger } from '../../observability/logger.js';
import type { Metrics } from '../../observability/metrics.js';
import type { ApiToken } from '../../security/api-tokens.js';
import type { StoreRegistry } from '../../stores/registry.js';
import { HttpError } from '../errors.js';

export interface AdminDeps {
  db: Db;
  temporal: Client;
  stores: StoreRegistry;
  logger: Logger;
  /** Operators' tokens (digests); none: the admin API answers 503 saying how to turn it on. */
  adminTokens: readonly ApiToken[];
  /** Refused tokens are counted here when given. */
  metrics?: Pick<Metrics, 'authFailures'>;
  /** Client addresses in failed-authentication logs come from X-Forwarded-For (see client-address.ts). */
  trustProxy?: boolean;
  /** Audit entries older than this are deleted; default 365. */
  auditLogRetentionDays?: number;
  /** Seals installed stores' relBase tokens (SECRETS_KEY); unset: they cannot be set. */
  secretsKeyring: Keyring | undefined;
  /** Where Jumpseller reaches this service (the install steps register webhooks there). */
  publicUrl: string;
  /**
   * False when PUBLIC_URL is not set (`publicUrl` is then a guess at this process's own address):
   * schedules made here do not check the store's hooks, as a worker's do not. Default true.
   */
  publicUrlSet?: boolean;
  /** Where workflows started from here run (tests use their own). */
  mainTaskQueue: string;
}

/** The store's row, or a 404 naming it. */
export async function requireStoreRow(db: Db, code: string): Promise<Store> {
  const row = await findStore(db, code);
  if (!row) throw new HttpError('not_found', `no store "${code}"`);
  return row;
}

/** Route middleware: the store the path names (`{code}`), or a 404 naming it, before any other input is read. */
export function storeFromPath(db: Db): MiddlewareHandler<{ Variables: { store: Store } }> {
  return async (c, next) => {
    c.set('store', await requireStoreRow(db, c.req.param('code') ?? ''));
    await next();
  };
}

/** Where the store's hooks must point for runs started here; null when PUBLIC_URL is unset (do not check them, as workers do not). */
export function hookUrlOf(deps: Pick<AdminDeps, 'publicUrl' | 'publicUrlSet'>): string | null {
  return deps.publicUrlSet === false ? null : webhookUrl(deps.publicUrl);
}

/**
 * Starts a workflow unless one with its id runs: `started` with the run id, or `running` (the id
 * policy FAIL answers it; nothing is started twice).
 */
export async function startUnlessRunning(
  deps: Pick<AdminDeps, 'temporal' | 'mainTaskQueue'>,
  workflowType: string,
  workflowId: string,
  args: unknown[],
): Promise<{ started: true; runId: string } | { started: false }> {
  try {
    const handle = await deps.temporal.workflow.start(workflowType, { workflowId, taskQueue: deps.mainTaskQueue, args, workflowIdConflictPolicy: 'FAIL' });
    return { started: true, runId: handle.firstExecutionRunId };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { started: false };
    throw err;
  }
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
