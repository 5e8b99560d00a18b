/**
 * Waking the orders that wait for SKUs just linked: one short activity per page of waiting orders,
 * however many there are (a popular product can hold back hundreds).
 */
import { databaseActivities } from '../activity-proxies.js';

/** Signals `productsSynced` to every order waiting for one of `skus`; returns how many were signalled. */
export async function wakeOrdersWaitingFor(storeCode: string, skus: readonly string[]): Promise<number> {
  if (skus.length === 0) return 0;
  const db = databaseActivities();
  let signalled = 0;
  let after: string | null = null;
  do {
    const page: { signalled: number; next: string | null } = await db.wakePendingOrdersPage({ storeCode, skus: [...skus], afterOrderId: after });
    signalled += page.signalled;
    after = page.next;
  } while (after !== null);
  return signalled;
}
