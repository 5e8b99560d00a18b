import { describe, expect, it } from 'vitest';
import { backoffMs, DEFAULT_DISPATCH_POLICY, deadlineRunner, DispatchDeadlineError, isTemporalUnreachable } from '../../../src/api/webhooks/dispatch-policy.js';
import { createMetrics, eventLabel } from '../../../src/observability/metrics.js';

describe('dispatch policy', () => {
  it('backs a failing row off exponentially, up to the cap', () => {
    const p = { ...DEFAULT_DISPATCH_POLICY, baseBackoffMs: 1000, maxBackoffMs: 10_000 };
    expect([1, 2, 3, 4, 5, 50].map((n) => backoffMs(p, n))).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
  });

  it('tells an unreachable Temporal from a refusal of the row', () => {
    const grpc = (code: number, details: string) => Object.assign(new Error(`${code} ${details}`), { code, details, metadata: {} });
    expect(isTemporalUnreachable(new DispatchDeadlineError(100))).toBe(true);
    expect(isTemporalUnreachable(grpc(14, 'UNAVAILABLE: connection refused'))).toBe(true);
    expect(isTemporalUnreachable(grpc(4, 'DEADLINE_EXCEEDED: Deadline exceeded'))).toBe(true);
    expect(isTemporalUnreachable(new Error('wrapped', { cause: grpc(14, 'UNAVAILABLE') }))).toBe(true);
    expect(isTemporalUnreachable(grpc(3, 'INVALID_ARGUMENT: WorkflowId length exceeds limit'))).toBe(false);
    expect(isTemporalUnreachable(new Error('namespace not found'))).toBe(false);
  });

  it('fails a call that outlives its deadline', async () => {
    const run = deadlineRunner();
    await expect(run(50, () => new Promise<never>(() => undefined))).rejects.toBeInstanceOf(DispatchDeadlineError);
    await expect(run(1000, () => Promise.resolve('ok'))).resolves.toBe('ok');
  });
});

describe('webhook metric labels', () => {
  it('name known events and put everything else under "other"', () => {
    expect(eventLabel('order_paid')).toBe('order_paid');
    expect(eventLabel('product_stock_updated')).toBe('product_stock_updated');
    expect(eventLabel('customer_created')).toBe('other');
    expect(eventLabel('')).toBe('other');
  });

  it('take no value from outside their lists', async () => {
    const m = createMetrics();
    m.webhookReceived('order_paid\n{evil="1"}', 'dispatched');
    m.webhookRefused('made-up' as 'unauthorized');
    m.redispatched('whatever' as 'dispatched');
    const text = await m.registry.metrics();
    expect(text).toContain('webhooks_received_total{event="other",outcome="dispatched"} 1');
    expect(text).toContain('webhooks_refused_total{reason="unauthorized"} 1');
    expect(text).toContain('webhook_redispatches_total{outcome="retry_later"} 1');
    expect(text).not.toMatch(/evil|made-up|whatever/);
  });
});
