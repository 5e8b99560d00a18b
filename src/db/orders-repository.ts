/** The `orders` read model: the last state each order workflow reported, for the admin API. */
import type { Db } from './database.js';
import type { OrderRecord } from './schema.js';

export interface OrderStateRow {
  storeCode: string;
  orderId: string;
  orderNumber: string | null;
  state: string;
  reason: string | null;
  missingSkus: string[];
  documentType: number | null;
  folio: string | null;
  total: number | null;
  workflowId: string;
}

export async function upsertOrderState(db: Db, s: OrderStateRow): Promise<void> {
  const values = {
    order_number: s.orderNumber,
    state: s.state,
    reason: s.reason,
    missing_skus: s.missingSkus,
    document_type: s.documentType,
    folio: s.folio,
    total: s.total,
    workflow_id: s.workflowId,
    updated_at: new Date(),
  };
  await db
    .insertInto('orders')
    .values({ store_code: s.storeCode, order_id: s.orderId, ...values })
    .onConflict((oc) => oc.columns(['store_code', 'order_id']).doUpdateSet(values))
    .execute();
}

export async function listOrdersByState(db: Db, storeCode: string | undefined, states: string[]): Promise<OrderRecord[]> {
  let q = db.selectFrom('orders').selectAll().where('state', 'in', states);
  if (storeCode) q = q.where('store_code', '=', storeCode);
  return q.orderBy('updated_at', 'desc').limit(1000).execute();
}

export async function findOrder(db: Db, storeCode: string, orderId: string): Promise<OrderRecord | undefined> {
  return db.selectFrom('orders').selectAll().where('store_code', '=', storeCode).where('order_id', '=', orderId).executeTakeFirst();
}
