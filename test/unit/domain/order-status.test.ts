import { describe, expect, it } from 'vitest';
import { ORDER_STATUSES, isPaid, isTerminalWithoutPayment, parseOrderStatus } from '../../../src/domain/order-status.js';

describe('order status', () => {
  it('knows the four status_enum values', () => {
    expect([...ORDER_STATUSES].sort()).toEqual(['abandoned', 'canceled', 'paid', 'pending_payment']);
  });

  it.each([
    ['paid', true, false],
    ['pending_payment', false, false],
    ['canceled', false, true],
    ['abandoned', false, true],
    ['Paid', false, false], // the translated display status is not the enum
    ['Pagado', false, false],
    ['cancelled', false, false],
    ['', false, false],
    [null, false, false],
    [undefined, false, false],
  ])('%j: paid %s, terminal without payment %s', (status, paid, terminal) => {
    expect(isPaid(status)).toBe(paid);
    expect(isTerminalWithoutPayment(status)).toBe(terminal);
  });

  it('parses only known values', () => {
    expect(parseOrderStatus('paid')).toBe('paid');
    expect(parseOrderStatus('shipped')).toBeNull();
  });
});
