/**
 * Activities of the order workflow, by concern: reading the order and mirroring its state (here),
 * planning its document (order-planning.ts), the relBase lookups the document needs
 * (relbase-lookup-activities.ts), issuing it (issuing-activities.ts), crediting it when the order is
 * canceled after issuing (credit-note-activities.ts), following its SII status
 * (sii-status-activities.ts), and the activities of the
 * previous workflow code still owed to runs it started (legacy-order-activities.ts). Each calls at
 * most one outside API once, so it can run on that API's rate-limited task queue; the workflow decides
 * which queue.
 */
import { upsertOrderState, type OrderStateRow } from '../db/orders-repository.js';
import { createCreditNoteActivities } from './credit-note-activities.js';
import { classifyFailures } from './failures.js';
import { requireStore, type ActivityDeps } from './deps.js';
import { createIssuingActivities } from './issuing-activities.js';
import { createLegacyOrderActivities } from './legacy-order-activities.js';
import { createOrderPlanningActivities } from './order-planning.js';
import { snapshotOf, type OrderSnapshot } from './order-snapshot.js';
import { createRelbaseLookupActivities } from './relbase-lookup-activities.js';
import { createSiiStatusActivities } from './sii-status-activities.js';

export type { OrderSnapshot } from './order-snapshot.js';
export type { OrderDocumentPlan, PlannedDocument, IssuingSettings } from './order-planning.js';
export type { CreateOutcome, CreditOf, DocumentToIssue, IssuedRecord, IssueIntent } from './issuing-activities.js';
export type { CustomerCreateOutcome } from './relbase-lookup-activities.js';
export type { CancellationCreditPlan, CreditNoteRecord, InvoicePlan, PlannedInvoiceDocument, PlannedReturn, ReturnInput, ReturnPlan } from './credit-note-activities.js';
export type { SiiStatusRead } from './sii-status-activities.js';
export type { IssuedDocument, IssueDocumentInput, OrderContext } from './legacy-order-activities.js';

export function createOrderActivities(deps: ActivityDeps) {
  return {
    /** Reads the order from Jumpseller: webhooks arrive late and out of order, the API is the truth. */
    async fetchOrder(input: { storeCode: string; orderId: string }): Promise<OrderSnapshot> {
      const store = await requireStore(deps, input.storeCode);
      return classifyFailures(async () => snapshotOf(await store.jumpseller.getOrder(Number(input.orderId))));
    },

    /** Mirrors the workflow's state into the `orders` read model. */
    async recordOrderState(row: OrderStateRow): Promise<void> {
      await upsertOrderState(deps.db, row);
    },

    ...createOrderPlanningActivities(deps),
    ...createRelbaseLookupActivities(deps),
    ...createIssuingActivities(deps),
    ...createCreditNoteActivities(deps),
    ...createSiiStatusActivities(deps),
    ...createLegacyOrderActivities(deps),
  };
}

export type OrderActivities = ReturnType<typeof createOrderActivities>;
