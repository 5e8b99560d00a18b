import { describe, expect, it } from 'vitest';
import { createdSince, MAX_WINDOW_DAYS, parseJumpsellerTime, reconcileWindow } from '../../../src/order-reconcile/window.js';

const DAY = 86_400_000;
const now = new Date('2026-12-01T12:00:00Z');
const longAgo = new Date('2025-01-01T00:00:00Z');

describe('the paid-order reconcile window', () => {
  it('looks back the lookback days when the last run was recent, padding the days asked for by one each side', () => {
    const w = reconcileWindow({ now, storeSince: longAgo, previousStart: new Date(now.getTime() - 15 * 60_000), lookbackDays: 3 });
    expect(w.from).toBe('2026-11-28T11:50:00.000Z'); // 3 days and a 10-minute clock margin
    expect(w.to).toBe(now.toISOString());
    expect(w).toMatchObject({ initialDate: '2026-11-27', finalDate: '2026-12-02' });
  });

  it('reaches back to the last complete run after an outage, but never more than a month', () => {
    const tenDays = reconcileWindow({ now, storeSince: longAgo, previousStart: new Date(now.getTime() - 10 * DAY), lookbackDays: 3 });
    expect(tenDays.from).toBe('2026-11-21T11:50:00.000Z');
    const aYear = reconcileWindow({ now, storeSince: longAgo, previousStart: longAgo, lookbackDays: 3 });
    expect(Date.parse(aYear.from)).toBe(now.getTime() - MAX_WINDOW_DAYS * DAY);
  });

  it('never looks at orders from before the store was connected (the first run of a new store)', () => {
    const storeSince = new Date(now.getTime() - 2 * 3_600_000);
    const w = reconcileWindow({ now, storeSince, previousStart: undefined, lookbackDays: 3 });
    expect(w.from).toBe('2026-12-01T09:50:00.000Z');
    expect(w.initialDate).toBe('2026-11-30');
  });

  it('keeps orders created since the start, and those whose date it cannot read', () => {
    const w = reconcileWindow({ now, storeSince: longAgo, previousStart: undefined, lookbackDays: 1 });
    expect(createdSince('2026-11-30 12:00:00 UTC', w)).toBe(true);
    expect(createdSince('2026-11-30 11:00:00 UTC', w)).toBe(false);
    expect(createdSince('2026-11-30T13:00:00-03:00', w)).toBe(true);
    expect(createdSince('2026-12-01 12:30:00 UTC', w)).toBe(true);
    expect(createdSince('yesterday', w)).toBe(true);
    expect(createdSince(null, w)).toBe(true);
  });

  it('reads Jumpseller dates in both formats', () => {
    expect(parseJumpsellerTime('2023-02-10 13:56:35 UTC')).toBe(Date.parse('2023-02-10T13:56:35Z'));
    expect(parseJumpsellerTime('2023-02-10T13:56:35.000Z')).toBe(Date.parse('2023-02-10T13:56:35Z'));
    expect(parseJumpsellerTime('soon')).toBeNaN();
  });
});
