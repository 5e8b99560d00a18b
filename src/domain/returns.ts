/**
 * A partial return (chile-dte.md B6: CodRef 3 "corrige montos" with only the returned lines): each
 * returned unit is credited at its list price less its share of the line's discount, as the seed
 * asks ("el monto del producto más el descuento asociado"), to the peso, and several returns of the
 * same document never credit more units, nor more pesos, than were sold.
 *
 * The share is cumulative so that rounding never drifts: with Q units sold at list price P for a
 * line amount A (discount D = Q·P − A), the first n returned units are worth
 * n·P − round_half_up(D·n / Q), and a return of k units after r earlier ones credits
 * worth(r + k) − worth(r). Returning all Q units, in any number of returns, credits exactly A.
 *
 * Pure: the activity reads relBase's document and the earlier returns, the workflow issues the result.
 */
import { expressLine } from './line-expression.js';
import { relbaseLineAmount } from './relbase-line.js';
import { DomainError } from './errors.js';

/** A document line as relBase shows it (the fields a credit note needs). */
export interface ReturnableLine {
  product_id: number;
  quantity: number;
  price: number;
  discount?: number;
  tax_affected?: boolean;
}

/** What the document sold of one relBase product: its lines added up (a line may have been split in two). */
export interface SoldProduct {
  productId: number;
  /** Units sold. */
  quantity: number;
  /** The list price: the highest unit price among its lines (a split line's other part is at the price charged). */
  listPrice: number;
  /** What its lines charged, in the document's prices (gross on a boleta, net on a factura). */
  amount: number;
  taxAffected: boolean | undefined;
}

/** The document's products, by relBase product id. Throws DomainError on a fractional quantity. */
export function soldProducts(lines: readonly ReturnableLine[]): Map<number, SoldProduct> {
  const sold = new Map<number, SoldProduct>();
  for (const l of lines) {
    if (!Number.isSafeInteger(l.quantity) || !Number.isSafeInteger(l.price)) {
      throw new DomainError(
        'invalid_line_amount',
        `relBase product ${l.product_id} is sold in ${l.quantity} units at ${l.price}: only whole units at whole pesos are returned here`,
      );
    }
    const amount = relbaseLineAmount(l.quantity, l.price, l.discount ?? 0);
    const s = sold.get(l.product_id);
    if (s) {
      s.quantity += l.quantity;
      s.listPrice = Math.max(s.listPrice, l.price);
      s.amount += amount;
    } else {
      sold.set(l.product_id, { productId: l.product_id, quantity: l.quantity, listPrice: l.price, amount, taxAffected: l.tax_affected });
    }
  }
  return sold;
}

/** What the first `units` returned units of `sold` are worth: units × list price less their share of the discount. */
export function worthOfUnits(sold: SoldProduct, units: number): number {
  if (!Number.isSafeInteger(units) || units < 0 || units > sold.quantity) {
    throw new DomainError('invalid_return', `${units} units of relBase product ${sold.productId}: between 0 and the ${sold.quantity} sold`);
  }
  if (units === sold.quantity) return sold.amount;
  const discount = BigInt(sold.quantity) * BigInt(sold.listPrice) - BigInt(sold.amount);
  // round_half_up(discount × units / quantity); discount ≥ 0 since the list price is the highest.
  const share = (2n * discount * BigInt(units) + BigInt(sold.quantity)) / (2n * BigInt(sold.quantity));
  return Number(BigInt(units) * BigInt(sold.listPrice) - share);
}

/** The pesos a return of `units` credits after `earlier` units of the same product were returned. */
export function returnCredit(sold: SoldProduct, earlier: number, units: number): number {
  return worthOfUnits(sold, earlier + units) - worthOfUnits(sold, earlier);
}

export interface ReturnedLine {
  /** The operator's name for the product (the SKU), for messages. */
  sku: string;
  productId: number;
  quantity: number;
}

export type ReturnLines =
  | {
      ok: true;
      /** The 61's lines, each exact under relBase's and the SII's rounding (line-expression.ts). */
      lines: ReturnableLine[];
      /** Pesos credited on taxed and on exempt lines, in the document's prices. */
      taxed: number;
      exempt: number;
    }
  | { ok: false; reason: string };

/**
 * The credit note's lines for `returned`, given the document's lines and the units of each product
 * returned by earlier credit notes (by relBase product id). Refuses, in words an operator can act
 * on, a product the document did not sell or more units than are left.
 */
export function returnLines(documentLines: readonly ReturnableLine[], returned: readonly ReturnedLine[], earlier: Readonly<Record<string, number>>): ReturnLines {
  if (returned.length === 0) return { ok: false, reason: 'a return needs at least one line' };
  const sold = soldProducts(documentLines);
  const lines: ReturnableLine[] = [];
  let taxed = 0;
  let exempt = 0;
  const seen = new Set<number>();
  for (const r of returned) {
    if (!Number.isSafeInteger(r.quantity) || r.quantity < 1)
      return { ok: false, reason: `${r.sku}: the quantity returned must be a whole number of at least 1, got ${r.quantity}` };
    if (seen.has(r.productId)) return { ok: false, reason: `${r.sku} is listed twice: give each SKU once with its total quantity` };
    seen.add(r.productId);
    const s = sold.get(r.productId);
    if (!s) return { ok: false, reason: `${r.sku} is not on the order's document: nothing of it can be returned` };
    const before = earlier[String(r.productId)] ?? 0;
    if (before + r.quantity > s.quantity) {
      return {
        ok: false,
        reason:
          `returning ${r.quantity} of ${r.sku} would credit more than was sold: the document sold ${s.quantity}` +
          (before > 0 ? ` and earlier credit notes already returned ${before}, so at most ${Math.max(0, s.quantity - before)} can still be returned` : ''),
      };
    }
    const credit = returnCredit(s, before, r.quantity);
    const parts = expressLine(r.quantity, s.listPrice, credit);
    if (!parts) return { ok: false, reason: `${r.sku}: ${credit} pesos for ${r.quantity} unit(s) cannot be written as a document line; credit it in relBase by hand` };
    for (const p of parts) {
      lines.push({
        product_id: r.productId,
        quantity: p.quantity,
        price: p.price,
        ...(p.discountPct > 0 ? { discount: p.discountPct } : {}),
        ...(s.taxAffected === undefined ? {} : { tax_affected: s.taxAffected }),
      });
    }
    if (s.taxAffected === false) exempt += credit;
    else taxed += credit;
  }
  return { ok: true, lines, taxed, exempt };
}
