import { describe, expect, it } from 'vitest';
import { progressBar, table } from '../../../src/cli/format.js';
import { progressLine, readProgress } from '../../../src/cli/ops.js';

describe('ops output', () => {
  it('aligns table columns and truncates long cells', () => {
    const out = table(
      [
        { id: '1', reason: 'short' },
        { id: '12345', reason: 'x'.repeat(50) },
      ],
      [
        { key: 'id', title: 'ID' },
        { key: 'reason', title: 'REASON', max: 10 },
      ],
    );
    expect(out.split('\n')).toEqual(['ID     REASON', '-----  ----------', '1      short', '12345  xxxxxxxxx…', '']);
    expect(table([], [{ key: 'a', title: 'A' }])).toBe('(none)\n');
  });

  it('draws a progress bar', () => {
    expect(progressBar(0, 10, 10)).toBe('[----------] 0/10 0%');
    expect(progressBar(5, 10, 10)).toBe('[#####-----] 5/10 50%');
    expect(progressBar(10, 10, 10)).toBe('[##########] 10/10 100%');
    expect(progressBar(0, 0, 4)).toBe('[----] 0/0 0%');
  });

  it('reads progress from the catalog sync query, else from a done/total search attribute', () => {
    const progress = { phase: 'syncing', page: 2, totalProducts: 9, counts: { productsSeen: 3, linked: 1, created: 2, updated: 0, failed: 0 } };
    expect(readProgress({ progress })).toEqual({ done: 3, total: 9 });
    expect(readProgress({ progress: null, syncProgress: '40/120' })).toEqual({ done: 40, total: 120 });
    expect(readProgress({ progress: { phase: 'indexing', totalProducts: null, counts: { productsSeen: 0 } }, syncProgress: 'indexing page 1' })).toBeNull();
    expect(progressLine({ status: 'RUNNING', progress })).toBe('syncing [##########--------------------] 3/9 33% linked 1, created 2, updated 0, failed 0');
    expect(progressLine({ status: 'RUNNING', progress: { ...progress, phase: 'scanning', page: 4, totalProducts: null } })).toMatch(/^scanning page 4 linked 1/);
  });
});
