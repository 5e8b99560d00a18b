/**
 * The audit trail of operator actions: after every admin write (and every stock notice) one row in
 * `admin_audit_log` names the caller (the token's holder), the action (method and route), the store
 * and the object acted on, when, and how it ended. A log line says the same, so the trail survives a
 * database that refused the row. Request bodies are never recorded: they can hold relBase tokens or a
 * customer's fiscal data; a handler may add harmless details (e.g. which settings changed).
 *
 * Entries older than the retention are deleted, at most once an hour per process.
 */
import type { MiddlewareHandler } from 'hono';
import type { Db } from '../../db/database.js';
import { pruneAudit, recordAudit } from '../../db/audit-log-repository.js';
import type { Logger } from '../../observability/logger.js';
import type { Caller } from './auth.js';

/** What a handler adds to its audit entry. */
export interface AuditNote {
  /** When the route does not name the store (stock notices carry it in the body). */
  storeCode?: string;
  details?: Record<string, unknown>;
}

declare module 'hono' {
  interface ContextVariableMap {
    audit: AuditNote;
  }
}

export interface AuditOptions {
  db: Db;
  logger: Logger;
  retentionDays: number;
  now?: () => number;
}

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);
const PRUNE_EVERY_MS = 3_600_000;

export function outcomeOf(status: number): 'ok' | 'refused' | 'failed' {
  if (status < 400) return 'ok';
  return status < 500 ? 'refused' : 'failed';
}

export function auditWrites(o: AuditOptions): MiddlewareHandler {
  const now = o.now ?? Date.now;
  let lastPrune = 0;
  return async (c, next) => {
    await next();
    const caller = c.get('caller') as Caller | undefined; // unset: authentication refused it (and logged that)
    if (READS.has(c.req.method) || !caller) return;
    const params = c.req.param() as Record<string, string | undefined>;
    const note = (c.get('audit') as AuditNote | undefined) ?? {};
    const entry = {
      actor: caller.name,
      action: `${c.req.method} ${c.req.routePath}`,
      store_code: params['code'] ?? note.storeCode ?? null,
      subject: params['id'] ?? null,
      outcome: outcomeOf(c.res.status),
      status: c.res.status,
      request_id: (c.get('requestId' as never) as string | undefined) ?? null,
      details: note.details ?? {},
    };
    o.logger.info({ audit: entry }, 'admin action');
    try {
      await recordAudit(o.db, entry);
    } catch (err) {
      o.logger.error({ audit: entry, err: err instanceof Error ? err.message : String(err) }, 'could not write the audit log entry');
    }
    if (now() - lastPrune >= PRUNE_EVERY_MS) {
      lastPrune = now();
      pruneAudit(o.db, new Date(now() - o.retentionDays * 86_400_000)).catch((err: unknown) =>
        o.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not prune the audit log'),
      );
    }
  };
}
