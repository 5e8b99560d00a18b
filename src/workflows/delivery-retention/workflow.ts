/**
 * Keeps `webhook_deliveries` from holding personal data and growing forever: bodies of done
 * deliveries past `bodyRetentionDays` are reduced to what dedupe, audit and replay need, and done
 * deliveries past `retentionDays` are deleted. Deliveries still waiting for dispatch are never
 * touched. Works in batches (one activity each) and continues as new to keep its history small.
 */
import { continueAsNew } from '@temporalio/workflow';
import { databaseActivities } from '../activity-proxies.js';
import type { DeliveryRetentionInput, DeliveryRetentionResult } from './contracts.js';

const BATCH = 500;
const BATCHES_PER_RUN = 100;
const DAY_MS = 86_400_000;

export async function deliveryRetentionWorkflow(input: DeliveryRetentionInput): Promise<DeliveryRetentionResult> {
  const db = databaseActivities();
  const totals: DeliveryRetentionResult = input.totals ?? { reduced: 0, purged: 0 };
  // Workflow time is deterministic: the cut-offs are the same on replay.
  const now = Date.now();
  const reduceBefore = new Date(now - input.bodyRetentionDays * DAY_MS).toISOString();
  const purgeBefore = new Date(now - input.retentionDays * DAY_MS).toISOString();

  for (let batch = 0; batch < BATCHES_PER_RUN; batch++) {
    const purged = await db.purgeDeliveriesBefore({ before: purgeBefore, limit: BATCH });
    totals.purged += purged;
    if (purged === BATCH) continue;
    const reduced = await db.reduceDeliveryBodiesBefore({ before: reduceBefore, limit: BATCH });
    totals.reduced += reduced;
    if (reduced < BATCH) return totals;
  }
  return continueAsNew<typeof deliveryRetentionWorkflow>({ ...input, totals });
}
