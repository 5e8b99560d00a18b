/**
 * Dispatches deliveries that were stored while Temporal could not be reached. Runs in the API
 * process on an interval; Jumpseller's own retries are the second safety net.
 */
import type { Db } from '../../db/database.js';
import { listUndispatched, markDispatched, markDispatchFailed } from '../../db/webhook-deliveries-repository.js';
import type { Logger } from '../../observability/logger.js';
import type { Dispatcher } from './dispatch.js';

export interface Redispatcher {
  /** One pass; returns how many deliveries were dispatched. */
  runOnce(): Promise<number>;
  stop(): void;
}

function statusEnumOf(body: string): string | null {
  try {
    const parsed = JSON.parse(body) as { order?: { status_enum?: unknown } };
    return typeof parsed.order?.status_enum === 'string' ? parsed.order.status_enum : null;
  } catch {
    return null;
  }
}

export function startRedispatcher(deps: { db: Db; dispatcher: Dispatcher; logger: Logger }, intervalMs = 5000, graceMs = 2000): Redispatcher {
  let running = false;
  async function runOnce(): Promise<number> {
    if (running) return 0;
    running = true;
    let dispatched = 0;
    try {
      for (const d of await listUndispatched(deps.db, graceMs, 200)) {
        try {
          const outcome = await deps.dispatcher.dispatch({
            deliveryId: d.id,
            storeCode: d.store_code,
            event: d.event,
            resourceId: d.resource_id,
            statusEnum: statusEnumOf(d.body),
          });
          await markDispatched(deps.db, d.id, outcome);
          dispatched++;
        } catch (err) {
          await markDispatchFailed(deps.db, d.id, err instanceof Error ? err.message : String(err));
          break; // Temporal is still away: try again next pass.
        }
      }
    } finally {
      running = false;
    }
    if (dispatched > 0) deps.logger.info({ dispatched }, 'deferred webhook deliveries dispatched');
    return dispatched;
  }
  const timer = setInterval(() => {
    runOnce().catch((err: unknown) => deps.logger.warn({ err }, 'redispatch pass failed'));
  }, intervalMs);
  timer.unref();
  return { runOnce, stop: () => clearInterval(timer) };
}
