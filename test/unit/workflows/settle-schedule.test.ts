import { describe, expect, it } from 'vitest';
import { settleLookDelays } from '../../../src/workflows/order/settle-schedule.js';

describe('settleLookDelays', () => {
  it('looks after 10 s, 20 s, 40 s, then every 60 s, the last look on the window end', () => {
    expect(settleLookDelays(300_000)).toEqual([10_000, 20_000, 40_000, 60_000, 60_000, 60_000, 50_000]);
    expect(settleLookDelays(300_000).reduce((a, b) => a + b, 0)).toBe(300_000);
  });

  it('a short window gets a few early looks; an ended one none', () => {
    expect(settleLookDelays(25_000)).toEqual([10_000, 15_000]);
    expect(settleLookDelays(5_000)).toEqual([5_000]);
    expect(settleLookDelays(0)).toEqual([]);
    expect(settleLookDelays(-30_000)).toEqual([]);
  });

  it('never waits longer than a minute between looks, however long the window', () => {
    const delays = settleLookDelays(24 * 3600_000);
    expect(Math.max(...delays)).toBe(60_000);
    expect(delays.reduce((a, b) => a + b, 0)).toBe(24 * 3600_000);
  });
});
