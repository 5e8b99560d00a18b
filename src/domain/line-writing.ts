/**
 * Writing an order's charged amounts as document lines: gross (boletas) or net (facturas). The
 * line builder (order-lines.ts) has checked the order and split its discounts; this decides the
 * lines relBase is sent and the header it should report.
 */
import { settleAmounts } from './amount-settling.js';
import type { SettleItem } from './amount-settling.js';
import { allocateDiscount } from './discounts.js';
import { grossDocumentAmounts, netDocumentAmounts, netForGross, netOfGross } from './document-amounts.js';
import type { DocumentAmounts } from './document-amounts.js';
import { expressAtUnitPrice, expressLine } from './line-expression.js';
import type { LinePart } from './line-expression.js';
import type { LineTax } from './tax-status.js';

/** What a net-priced document (a factura) does when no net total gives the paid total (netForGross). */
export type UnreachableNetTotalPolicy = 'hold' | 'one_peso_below';

type Hold = { readonly ok: false; readonly kind: 'hold'; readonly reason: string };

/** An order line on its way to the document, its money in whole pesos. */
export interface OrderLine {
  readonly index: number;
  readonly sku: string;
  readonly name: string;
  readonly quantity: number;
  readonly unitPrice: number;
  readonly lineDiscount: number;
  readonly gross: number;
  readonly afterOwn: number;
  readonly taxes: readonly LineTax[] | null | undefined;
  readonly giftCard: boolean;
}

/** A document line before its product is looked up. */
export interface PlannedLine extends LinePart {
  readonly orderLine: number | null;
  readonly sku: string | null;
  readonly taxAffected: boolean;
}

/** An order's document lines and how its discounts were split over them. */
export interface LineWritingInput {
  readonly documentLines: readonly OrderLine[];
  readonly couponParts: readonly number[];
  readonly taxAffected: readonly boolean[];
  readonly coupon: number;
  readonly netShipping: number;
  readonly shippingTaxAffected: boolean;
}

/** The lines to send and the header relBase should report, or why the order is held. */
export type WrittenLines = { readonly ok: true; readonly lines: PlannedLine[]; readonly expected: DocumentAmounts; readonly note?: string } | Hold;

/** Gross lines (boletas): each line at its Jumpseller price with its share of the discounts. */
export function writeGrossLines(input: LineWritingInput): WrittenLines {
  const { documentLines, taxAffected, netShipping, shippingTaxAffected } = input;
  const amounts = settleGross(
    input,
    documentLines.map((_, i) => i),
  );
  const planned: PlannedLine[] = [];
  for (const [i, line] of documentLines.entries()) {
    const parts = expressLine(line.quantity, line.unitPrice, amounts[i] ?? 0);
    if (parts === null) return hold(`${describeLine(line)}: its amount ${amounts[i]} cannot be written as document lines of at least $1 a unit`);
    for (const p of parts) planned.push({ ...p, orderLine: line.index, sku: line.sku, taxAffected: taxAffected[i] ?? true });
  }
  if (netShipping > 0) planned.push(shippingLine(netShipping, shippingTaxAffected));
  const taxed = sum(planned.filter((l) => l.taxAffected).map((l) => l.amount));
  const exempt = sum(planned.filter((l) => !l.taxAffected).map((l) => l.amount));
  return { ok: true, lines: planned, expected: grossDocumentAmounts(taxed, exempt) };
}

/**
 * Net lines (facturas). The taxed gross paid, A, must come out of the SII's factura arithmetic:
 * neto + round(neto × 0.19) = A (chile-dte.md B4). That neto is spread over the taxed lines (and a
 * taxed shipping line) in proportion to what each was charged, and each taxed line is written at its
 * net list price, round(price / 1.19), as relBase shows a gross price's net (chile-dte.md B4: 19 990
 * → 16 798). Exempt lines carry what they were charged, as on a boleta.
 */
export function writeNetLines(input: LineWritingInput, policy: UnreachableNetTotalPolicy): WrittenLines {
  const { documentLines, taxAffected, netShipping, shippingTaxAffected } = input;
  const exemptIndexes = documentLines.map((_, i) => i).filter((i) => !(taxAffected[i] ?? true));
  const taxedIndexes = documentLines.map((_, i) => i).filter((i) => taxAffected[i] ?? true);
  const couponParts = [...input.couponParts];

  const taxedGrossOf = (): number => sum(taxedIndexes.map((i) => (documentLines[i]?.afterOwn ?? 0) - (couponParts[i] ?? 0))) + (shippingTaxAffected ? netShipping : 0);
  let taxedGross = taxedGrossOf();
  let net = netForGross(taxedGross);
  if (!net.ok && moveOneCouponPeso(documentLines, couponParts, taxedIndexes, exemptIndexes)) {
    // A coupon peso moved between a taxed and an exempt line: the taxed total is now reachable.
    taxedGross = taxedGrossOf();
    net = netForGross(taxedGross);
  }
  let note: string | undefined;
  let neto: number;
  if (net.ok) neto = net.neto;
  else if (policy === 'one_peso_below') {
    neto = net.below.neto;
    note = `no net amount gives the ${taxedGross} paid for taxed items (neto ${net.below.neto} gives ${net.below.gross}, ${net.above.neto} gives ${net.above.gross}): the factura is issued for one peso less than was paid, as the store's settings allow`;
  } else {
    return hold(
      `no net amount gives the ${taxedGross} paid for taxed items under the SII's factura arithmetic (IVA = round(neto × 0.19)): neto ${net.below.neto} gives ${net.below.gross} and ${net.above.neto} gives ${net.above.gross}. Issue a boleta instead (resolve), issue the factura in relBase by hand, or allow facturas one peso under the payment (setting unreachableFacturaTotal)`,
    );
  }

  const exemptAmounts = settleGross({ ...input, couponParts }, exemptIndexes);
  const grossShares = taxedIndexes.map((i) => (documentLines[i]?.afterOwn ?? 0) - (couponParts[i] ?? 0));
  const shippingTaxed = shippingTaxAffected && netShipping > 0;
  if (shippingTaxed) grossShares.push(netShipping);
  // allocateDiscount splits a whole amount in proportion to the weights, to the peso.
  const netShares = allocateDiscount(grossShares, neto);
  // A line Jumpseller charged in full keeps a clean look: at its net list price when its share lands
  // there, else at the price per unit (a one-unit line then takes any share, so it is the best place
  // for the pesos the others hand on). A percentage there would only be rounding showing through.
  const undiscounted = taxedIndexes.map((i, k) => (grossShares[k] ?? 0) === (documentLines[i]?.gross ?? -1));
  const items: SettleItem[] = taxedIndexes.map((i, k) => {
    const line = documentLines[i];
    const listNet = Math.max(1, netOfGross(line?.unitPrice ?? 0));
    const target = netShares[k] ?? 0;
    const quantity = line?.quantity ?? 1;
    if (undiscounted[k] && quantity === 1) return { quantity, unitPrice: target, target, min: 1, max: Number.POSITIVE_INFINITY, freePrice: true };
    // A line charged nothing (its discounts took it all) stays at nothing.
    const max = (grossShares[k] ?? 0) === 0 ? 0 : Number.POSITIVE_INFINITY;
    return { quantity, unitPrice: listNet, target, min: 0, max };
  });
  if (shippingTaxed) {
    const shippingNet = netShares[netShares.length - 1] ?? 0;
    items.push({ quantity: 1, unitPrice: shippingNet, target: shippingNet, min: 1, max: Number.POSITIVE_INFINITY, freePrice: true });
  }
  const netAmounts = settleAmounts(items);

  const planned: PlannedLine[] = [];
  for (const [i, line] of documentLines.entries()) {
    const affected = taxAffected[i] ?? true;
    const k = affected ? taxedIndexes.indexOf(i) : -1;
    const price = affected ? (items[k]?.unitPrice ?? 1) : line.unitPrice;
    const amount = affected ? (netAmounts[k] ?? 0) : (exemptAmounts[i] ?? 0);
    const atListPrice = amount === line.quantity * price;
    const parts =
      affected && undiscounted[k] && !atListPrice
        ? expressAtUnitPrice(line.quantity, amount)
        : affected
          ? expressNetLine(line.quantity, price, amount)
          : expressLine(line.quantity, price, amount);
    if (parts === null) return hold(`${describeLine(line)}: its net amount ${amount} cannot be written as document lines of at least $1 a unit`);
    for (const p of parts) planned.push({ ...p, orderLine: line.index, sku: line.sku, taxAffected: affected });
  }
  if (shippingTaxed) {
    const shippingNet = netAmounts[netAmounts.length - 1] ?? 0;
    if (shippingNet < 1) return hold(`the shipping's net share ${shippingNet} is not a positive price`);
    planned.push(shippingLine(shippingNet, true));
  } else if (netShipping > 0) {
    planned.push(shippingLine(netShipping, false));
  }
  const exempt = sum(planned.filter((l) => !l.taxAffected).map((l) => l.amount));
  return { ok: true, lines: planned, expected: netDocumentAmounts(neto, exempt), ...(note === undefined ? {} : { note }) };
}

/**
 * A taxed line of a net document. Its net list price is itself a rounding, round(price / 1.19), so a
 * peso either side is as true a net price: one of them may carry the line as a single line where
 * the rounded one would need a split (89 990 gross at 15 % off: 75 622 × 85 % misses 64 278 by a
 * peso, 75 621 × 85 % lands on it).
 */
function expressNetLine(quantity: number, listNet: number, amount: number): LinePart[] | null {
  const parts = expressLine(quantity, listNet, amount);
  const single = (candidate: LinePart[] | null, price: number): boolean => candidate?.length === 1 && candidate[0]?.price === price;
  if (parts === null || single(parts, listNet)) return parts;
  for (const price of [listNet - 1, listNet + 1]) {
    if (price < 1) continue;
    const other = expressLine(quantity, price, amount);
    if (single(other, price)) return other;
  }
  return parts;
}

/**
 * Settles the gross amounts of the lines at `indexes` (a coupon's pesos may move between them; their
 * own discounts never do), returning amounts indexed like documentLines.
 */
function settleGross(input: LineWritingInput, indexes: readonly number[]): number[] {
  const { documentLines, couponParts, coupon } = input;
  const items: SettleItem[] = indexes.map((i) => {
    const line = documentLines[i];
    const afterOwn = line?.afterOwn ?? 0;
    const target = afterOwn - (couponParts[i] ?? 0);
    // Without a coupon there is nothing ours to move: each line is exactly what it was charged.
    return coupon === 0
      ? { quantity: line?.quantity ?? 1, unitPrice: line?.unitPrice ?? 0, target, min: target, max: target }
      : { quantity: line?.quantity ?? 1, unitPrice: line?.unitPrice ?? 0, target, min: 0, max: afterOwn };
  });
  const settled = settleAmounts(items);
  const amounts: number[] = documentLines.map((line, i) => line.afterOwn - (couponParts[i] ?? 0));
  indexes.forEach((i, k) => {
    amounts[i] = settled[k] ?? amounts[i] ?? 0;
  });
  return amounts;
}

/**
 * When a factura's taxed total cannot be reached but the order also has exempt lines sharing a
 * coupon, moving one coupon peso between a taxed and an exempt line makes it reachable without
 * changing the total (the unreachable totals are isolated: one below and one above always work).
 * Changes `couponParts` and returns true when it could.
 */
function moveOneCouponPeso(lines: readonly OrderLine[], couponParts: number[], taxed: readonly number[], exempt: readonly number[]): boolean {
  // Taxed − 1 (a taxed line takes a peso more of the coupon, an exempt line a peso less), or + 1.
  for (const [toTaxed, fromExempt] of [
    [1, -1],
    [-1, 1],
  ] as const) {
    const t = taxed.find((i) => {
      const part = (couponParts[i] ?? 0) + toTaxed;
      return part >= 0 && part <= (lines[i]?.afterOwn ?? 0);
    });
    const e = exempt.find((i) => {
      const part = (couponParts[i] ?? 0) + fromExempt;
      return part >= 0 && part <= (lines[i]?.afterOwn ?? 0);
    });
    if (t !== undefined && e !== undefined) {
      couponParts[t] = (couponParts[t] ?? 0) + toTaxed;
      couponParts[e] = (couponParts[e] ?? 0) + fromExempt;
      return true;
    }
  }
  return false;
}

function shippingLine(amount: number, taxAffected: boolean): PlannedLine {
  return { quantity: 1, price: amount, discountPct: 0, amount, orderLine: null, sku: null, taxAffected };
}

/** An order line as reasons name it: "line 2 (POL-AZ, Polera azul)". */
export function describeLine(line: { readonly index: number; readonly sku: string; readonly name: string }): string {
  return line.sku === '' ? `line ${line.index + 1} (${line.name})` : `line ${line.index + 1} (${line.sku}, ${line.name})`;
}

function hold(reason: string): Hold {
  return { ok: false, kind: 'hold', reason };
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
