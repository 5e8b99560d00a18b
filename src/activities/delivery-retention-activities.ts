/** Activities of the webhook delivery retention: one batch of reductions or deletions each. */
import { listUnreducedDeliveries, purgeDeliveries, saveReducedBody } from '../db/webhook-deliveries-repository.js';
import { reduceWebhookBody } from '../jumpseller/webhook-body-reduction.js';
import type { ActivityDeps } from './deps.js';

export function createDeliveryRetentionActivities(deps: ActivityDeps) {
  return {
    /** Reduces up to `limit` bodies of done deliveries received before `before`; returns how many. */
    async reduceDeliveryBodiesBefore(input: { before: string; limit: number }): Promise<number> {
      const rows = await listUnreducedDeliveries(deps.db, new Date(input.before), input.limit);
      for (const row of rows) await saveReducedBody(deps.db, row.id, reduceWebhookBody(row.event, row.body));
      return rows.length;
    },

    /** Deletes up to `limit` done deliveries received before `before`; returns how many. */
    async purgeDeliveriesBefore(input: { before: string; limit: number }): Promise<number> {
      return purgeDeliveries(deps.db, new Date(input.before), input.limit);
    },
  };
}

export type DeliveryRetentionActivities = ReturnType<typeof createDeliveryRetentionActivities>;
