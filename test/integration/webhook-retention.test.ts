/**
 * Stored webhook deliveries do not keep personal data or grow forever: the retention workflow (run
 * hourly by its schedule) reduces the bodies of done deliveries past their body retention and
 * deletes done deliveries past the delivery retention, and never touches one still waiting.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordDelivery, type DeliveryInput } from '../../src/db/webhook-deliveries-repository.js';
import { ensureDeliveryRetentionSchedule } from '../../src/retention/schedule.js';
import { DELIVERY_RETENTION_SCHEDULE_ID, DELIVERY_RETENTION_WORKFLOW_TYPE, type DeliveryRetentionResult } from '../../src/workflows/delivery-retention/contracts.js';
import { startStack, type TestStack } from '../support/stack.js';

let stack: TestStack;
const DAY = 86_400_000;

beforeAll(async () => {
  stack = await startStack({ skipInstall: true });
});
afterAll(async () => {
  await stack?.db.deleteFrom('webhook_deliveries').where('store_code', '=', stack.storeCode).execute();
  await stack?.stop();
});

const personal = {
  customer: { id: 5, email: 'ana@example.cl', fullname: 'Ana Soto', phone: '+56911112222' },
  billing_address: { name: 'Ana', surname: 'Soto', taxid: '11.111.111-1', address: 'Los Olmos 123' },
  recovery_url: 'https://tienda.example/cart/recover/tok123',
};

async function delivery(orderId: number, ageDays: number, status: DeliveryInput['status'], done: boolean) {
  const body = JSON.stringify({ order: { id: orderId, status_enum: 'paid', total: 1000, ...personal, products: [{ id: 1, sku: 'A', qty: 1, price: 1000 }] } });
  const bodySha256 = createHash('sha256').update(body).digest('hex');
  const { delivery: row } = await recordDelivery(
    stack.db,
    { storeCode: stack.storeCode, event: 'order_paid', resourceId: String(orderId), bodySha256, body, headers: { 'jumpseller-event': 'order_paid' }, status, note: null },
    { owner: 'test', leaseMs: 3_600_000 },
  );
  await stack.db
    .updateTable('webhook_deliveries')
    .set({ received_at: new Date(Date.now() - ageDays * DAY), ...(done ? { status: 'dispatched', claimed_by: null, claimed_until: null, next_attempt_at: null } : {}) })
    .where('id', '=', row.id)
    .execute();
  return { id: row.id, bodySha256 };
}

describe('webhook delivery retention', () => {
  it('reduces old bodies, deletes older deliveries, and leaves recent and waiting ones alone', async () => {
    const fresh = await delivery(1, 1, 'received', true);
    const old = await delivery(2, 10, 'received', true);
    const ancient = await delivery(3, 100, 'received', true);
    const waitingAncient = await delivery(4, 100, 'received', false);

    const result = await stack.temporal.workflow.execute<(i: { bodyRetentionDays: number; retentionDays: number }) => Promise<DeliveryRetentionResult>>(
      DELIVERY_RETENTION_WORKFLOW_TYPE,
      {
        workflowId: `retention-test-${stack.storeCode}`,
        taskQueue: stack.mainTaskQueue,
        args: [{ bodyRetentionDays: 7, retentionDays: 90 }],
      },
    );
    expect(result.purged).toBeGreaterThanOrEqual(1);
    expect(result.reduced).toBeGreaterThanOrEqual(1);

    const rows = await stack.db.selectFrom('webhook_deliveries').selectAll().where('store_code', '=', stack.storeCode).orderBy('resource_id').execute();
    expect(rows.map((r) => r.resource_id)).toEqual(['1', '2', '4']);
    const [recent, reduced, waiting] = rows;
    expect(recent!.reduced_at).toBeNull();
    expect(recent!.body).toContain('ana@example.cl');
    expect(reduced!.reduced_at).not.toBeNull();
    for (const value of ['ana@example.cl', 'Ana', 'Soto', '+56911112222', '11.111.111-1', 'Los Olmos', 'tok123']) expect(reduced!.body).not.toContain(value);
    expect(JSON.parse(reduced!.body)).toEqual({ order: { id: 2, status_enum: 'paid', total: 1000, products: [{ id: 1, sku: 'A', qty: 1, price: 1000 }] } });
    // Dedupe and audit keep working on a reduced row: its key and hash are those of what arrived.
    expect(reduced).toMatchObject({ id: old.id, body_sha256: old.bodySha256, event: 'order_paid', status: 'dispatched' });
    expect(waiting).toMatchObject({ id: waitingAncient.id, status: 'received', reduced_at: null });
    expect(waiting!.body).toContain('ana@example.cl');
    expect(rows.map((r) => r.id)).toEqual([fresh.id, old.id, waitingAncient.id]);
    expect(rows.map((r) => r.id)).not.toContain(ancient.id);
  });

  it('is scheduled hourly with the configured periods', async () => {
    const schedule = stack.temporal.schedule.getHandle(DELIVERY_RETENTION_SCHEDULE_ID);
    // The schedule's id is fixed: a worker another file spawned (order-worker-crash) may have created
    // it on the shared server. Removed first, so that the create is what this test sees.
    await schedule.delete().catch(() => undefined);
    try {
      expect(await ensureDeliveryRetentionSchedule(stack.temporal, stack.mainTaskQueue, { bodyRetentionDays: 5, retentionDays: 60 })).toBe('created');
      expect(await ensureDeliveryRetentionSchedule(stack.temporal, stack.mainTaskQueue, { bodyRetentionDays: 7, retentionDays: 90 })).toBe('updated');
      const d = await schedule.describe();
      expect(d.spec.intervals?.map((i) => i.every)).toEqual([3_600_000]);
      expect(d.action).toMatchObject({ workflowType: DELIVERY_RETENTION_WORKFLOW_TYPE, args: [{ bodyRetentionDays: 7, retentionDays: 90 }] });
    } finally {
      await schedule.delete().catch(() => undefined);
    }
  });
});
