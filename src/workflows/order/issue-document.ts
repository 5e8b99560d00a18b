/**
 * Issuing one relBase document exactly once, as workflow code over single-call activities
 * (activities/issuing-activities.ts). The loop:
 *
 * 1. `beginIssue`: already issued → done.
 * 2. State `intent` (no create ever reached relBase) and the store does not ask to look first: go
 *    straight to the create, one relBase call in all. Otherwise look for the label, every page:
 *    one found → record it; more than one → an operator must void the extras; none, but a create
 *    was sent → settle: look again on durable timers until the settle window has passed since the
 *    latest moment a create could have been in flight, and only then create again.
 * 3. `prepareCreate` (a token, only if no create was claimed since step 1) and `sendCreate` (one
 *    POST, claimed in PostgreSQL right before it leaves). Created → record it. Not sent → again from
 *    1. Unknown (timeout, lost answer, a failed or timed-out activity) → again from 1, which now
 *    finds the state `create_sent`. Refused: throttling waits and tries again; anything else needs a
 *    person.
 *
 * Every step is an activity in the run's history, and every wait says why in the `state` query.
 */
import { ActivityFailure, metricMeter, patched, sleep, TimeoutFailure } from '@temporalio/workflow';
import type { CreateOutcome, DocumentToIssue, IssuedRecord, IssuingSettings, PlannedDocument } from '../../activities/order-activities.js';
import type { DatabaseProxy, RelbaseProxy } from '../activity-proxies.js';
import type { Receiver } from '../../domain/document-choice.js';
import { countAmountMismatch } from './amount-mismatch-metric.js';
import { permanentFailureOf } from '../failures.js';
import { settleLookDelays } from './settle-schedule.js';

/** Runs recorded before customers were created with their comuna and city ids replay without the lookups. */
const PATCH_CUSTOMER_PLACE = 'order-customer-commune-city';
/** Runs recorded before a found document's total was checked replay without the check. */
const PATCH_FOUND_TOTAL_CHECKED = 'order-found-document-total-checked';
/** Runs recorded before a found customer's razón social and giro were checked replay without the check. */
const PATCH_CUSTOMER_CURRENT = 'order-customer-receiver-current';

/** A guard against a search whose `next_page` never ends; far above any real number of matches. */
const MAX_PAGES = 50;
/** After a throttled create, wait this long, doubling up to the maximum. */
const THROTTLED_FIRST_WAIT_MS = 2_000;
const THROTTLED_MAX_WAIT_MS = 60_000;
/** After a customer create whose outcome is unknown, look for the customer again after this long. */
const CUSTOMER_LOOK_AGAIN_MS = 10_000;

export interface IssueContext {
  storeCode: string;
  orderId: string;
  label: string;
  db: DatabaseProxy;
  /** Single-call reads on the store's relBase queue. */
  lookups: RelbaseProxy;
  /** Single-attempt creates on the store's relBase queue. */
  creates: RelbaseProxy;
  /** Shows a wait in the `state` query, the search attributes, the memo and the read model. */
  note(reason: string): Promise<void>;
}

export type IssueResult = { kind: 'issued'; document: IssuedRecord; alreadyExisted: boolean } | { kind: 'needs_attention'; reason: string };

type Found = { kind: 'none' } | { kind: 'found'; document: IssuedRecord } | { kind: 'conflict'; reason: string };

/** The comuna and city names of the receiver's address, as the order gave them. */
export type ReceiverPlace = { commune: string | null; city: string | null } | null;

export async function issueDocument(
  ctx: IssueContext,
  document: PlannedDocument,
  settings: IssuingSettings,
  receiverAddress: string | null,
  receiverPlace: ReceiverPlace = null,
): Promise<IssueResult> {
  const { storeCode, orderId, label, db } = ctx;
  let customerId: number | null = null;
  if (document.customerFor) {
    const customer = await ensureCustomer(ctx, document.customerFor, receiverAddress, receiverPlace);
    if (customer.kind === 'needs_attention') return customer;
    customerId = customer.customerId;
  } else if (document.buyerRut) {
    // A boleta names its buyer when relBase knows them; one it does not is issued to the anonymous
    // buyer (a relBase customer needs a giro and an address a person's checkout rarely gives).
    customerId = await findCustomer(ctx, document.buyerRut);
  }
  const toIssue: DocumentToIssue = {
    storeCode,
    orderId,
    label,
    kind: 'document',
    typeDocument: document.typeDocument,
    typeDocumentSii: document.typeDocumentSii,
    customerId,
    lines: document.lines,
    expectedTotal: document.total,
    // Absent from plans recorded before issue 15: the create then keeps the old request.
    ...(document.mntBruto === undefined ? {} : { mntBruto: document.mntBruto }),
    ...(document.date === undefined ? {} : { date: document.date }),
    ...(document.paymentTypeId === undefined ? {} : { paymentTypeId: document.paymentTypeId }),
    ...(document.expected === undefined ? {} : { expected: document.expected }),
  };
  const result = await issueExactlyOnce(ctx, toIssue, settings);
  if (result.kind !== 'refused') return result;
  // The cached shipping product may be gone from relBase: look it up again on the next plan.
  if (document.shippingProductCode) await db.forgetProductCode({ storeCode, code: document.shippingProductCode });
  return { kind: 'needs_attention', reason: `relBase refused document ${label}: ${result.message}; fix it and retry (or resolve)` };
}

/**
 * The exactly-once loop (see the file comment) for one labelled document or credit note; relBase's
 * refusal of its create (other than throttling) comes back for the caller to word.
 */
export async function issueExactlyOnce(ctx: IssueContext, toIssue: DocumentToIssue, settings: IssuingSettings): Promise<IssueResult | { kind: 'refused'; message: string }> {
  const { storeCode, orderId, label, db } = ctx;
  const credit = toIssue.creditOf
    ? { referenceLabel: toIssue.creditOf.referenceLabel, reasonCode: toIssue.creditOf.reference.code_ref }
    : toIssue.replaces
      ? { referenceLabel: toIssue.replaces }
      : {};
  let lookedFirst = false;
  let throttledWait = THROTTLED_FIRST_WAIT_MS;
  for (;;) {
    const intent = await db.beginIssue({ storeCode, orderId, label, kind: toIssue.kind, typeDocument: toIssue.typeDocument, ...credit });
    if (intent.issued) return { kind: 'issued', document: intent.issued, alreadyExisted: true };

    const mustLook = intent.state === 'create_sent' || (settings.alwaysLookFirst && !lookedFirst);
    if (mustLook) {
      lookedFirst = true;
      let found = await findByLabel(ctx);
      if (found.kind === 'none' && intent.state === 'create_sent') found = await settle(ctx, intent.inFlightUntil, settings.settleSeconds);
      if (found.kind === 'conflict') return { kind: 'needs_attention', reason: found.reason };
      if (found.kind === 'found') {
        await db.recordIssued({ storeCode, label, document: found.document });
        // A create whose answer was lost is checked here: the search gives the total only.
        if (found.document.total !== null && found.document.total !== toIssue.expectedTotal && patched(PATCH_FOUND_TOTAL_CHECKED)) {
          countAmountMismatch(metricMeter, storeCode, ['total']);
          return {
            kind: 'needs_attention',
            reason: amountsDifferReason(label, found.document, `relBase's total ${pesos(found.document.total)} differs from the ${pesos(toIssue.expectedTotal)} planned`),
          };
        }
        return { kind: 'issued', document: found.document, alreadyExisted: true };
      }
    }

    const prepared = await db.prepareCreate({ storeCode, label, expectedCreatesSent: intent.createsSent });
    // A create was claimed since the intent was read (an older attempt went after all): look for it.
    if (!prepared) continue;
    const sent = await sendCreate(ctx, { ...toIssue, token: prepared.token });
    switch (sent.outcome) {
      case 'created':
        // Recorded either way: the document exists, and a second one must never be made.
        await db.recordIssued({ storeCode, label, document: sent.document });
        if ('amountsDiffer' in sent) return { kind: 'needs_attention', reason: amountsDifferReason(label, sent.document, sent.amountsDiffer) };
        return { kind: 'issued', document: sent.document, alreadyExisted: false };
      case 'not_sent':
        continue;
      case 'unknown':
        await ctx.note(`the create of document ${label} got no answer (${sent.reason}); looking for it before anything else`);
        continue;
      case 'needs_attention':
        return { kind: 'needs_attention', reason: sent.reason };
      case 'refused':
        if (sent.throttled) {
          await ctx.note(`relBase is throttling (${sent.status}); creating document ${label} again in ${Math.round(throttledWait / 1000)} s`);
          await sleep(throttledWait);
          throttledWait = Math.min(throttledWait * 2, THROTTLED_MAX_WAIT_MS);
          continue;
        }
        return { kind: 'refused', message: sent.message };
    }
  }
}

/** Why an order whose document relBase made with other amounts than planned waits for a person. */
function amountsDifferReason(label: string, document: IssuedRecord, difference: string): string {
  return `relBase issued document ${label} (folio ${document.folio ?? 'unknown'}) but ${difference}; check it in relBase and correct it with a credit note if needed (a retry marks the order issued as it stands)`;
}

function pesos(amount: number): string {
  return `$${String(amount).replace(/\B(?=(\d{3})+$)/g, '.')}`;
}

/** sendCreate, with a failure of the activity itself read as what it means for the create. */
async function sendCreate(ctx: IssueContext, input: DocumentToIssue & { token: string }): Promise<CreateOutcome | { outcome: 'needs_attention'; reason: string }> {
  try {
    return await ctx.creates.sendCreate(input);
  } catch (err) {
    // Dropped from the queue before any worker took it: it never ran, so it sent nothing.
    if (err instanceof ActivityFailure && err.cause instanceof TimeoutFailure && err.cause.timeoutType === 'SCHEDULE_TO_START') {
      return { outcome: 'not_sent', reason: 'it waited in the task queue past its claim window' };
    }
    // Our own checks fail before the claim (store not configured, a factura without customer): nothing was sent.
    const permanent = permanentFailureOf(err);
    if (permanent) return { outcome: 'needs_attention', reason: `document ${input.label} cannot be issued: ${permanent.message}` };
    // A worker crash, a timeout, a failure after the claim: the create may have been sent.
    return { outcome: 'unknown', reason: err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err) };
  }
}

/** Every page of relBase's search for the label, exact matches only, each page one activity. */
async function findByLabel(ctx: IssueContext): Promise<Found> {
  const byId = new Map<string, IssuedRecord>();
  let page: number | null = 1;
  for (let visited = 0; page !== null && visited < MAX_PAGES; visited++) {
    const result: { matches: IssuedRecord[]; nextPage: number | null } = await ctx.lookups.findDocumentByLabel({ storeCode: ctx.storeCode, label: ctx.label, page });
    // A document made while paging shifts the list; the same one may show on two pages.
    for (const d of result.matches) byId.set(d.relbaseId, d);
    page = result.nextPage;
  }
  const found = [...byId.values()];
  if (found.length > 1) {
    return {
      kind: 'conflict',
      reason: `relBase already holds ${found.length} documents labelled ${ctx.label} (ids ${found.map((d) => d.relbaseId).join(', ')}); an operator must void the extra ones`,
    };
  }
  return found[0] ? { kind: 'found', document: found[0] } : { kind: 'none' };
}

/**
 * A create may have reached relBase and the first look found nothing: look again on durable timers
 * until `settleSeconds` after the latest moment a create could have been in flight.
 */
async function settle(ctx: IssueContext, inFlightUntil: string | null, settleSeconds: number): Promise<Found> {
  const settledAt = (inFlightUntil === null ? Date.now() : Date.parse(inFlightUntil)) + settleSeconds * 1000;
  const delays = settleLookDelays(settledAt - Date.now());
  const looks = delays.length + 1;
  for (const [i, delay] of delays.entries()) {
    await ctx.note(
      `waiting to confirm document ${ctx.label}, ${i + 1} of ${looks} looks: a create may have reached relBase; ` +
        `it is created again only if nothing is found by ${new Date(settledAt).toISOString()}`,
    );
    await sleep(delay);
    const found = await findByLabel(ctx);
    if (found.kind !== 'none') return found;
  }
  return { kind: 'none' };
}

/** The relBase customer for a factura's receiver: the oldest with its RUT, or a new one. */
export async function ensureCustomer(
  ctx: IssueContext,
  receiver: Receiver,
  address: string | null,
  place: ReceiverPlace,
): Promise<{ kind: 'customer'; customerId: number } | { kind: 'needs_attention'; reason: string }> {
  let throttledWait = THROTTLED_FIRST_WAIT_MS;
  let placeIds: { communeId?: number; cityId?: number } | null = null;
  for (;;) {
    const found = await findCustomerWithRecord(ctx, receiver);
    if (found !== null) {
      // relBase puts its customer's razón social and giro on the factura; its API offers no update
      // (relbase-api.md), so a record that says otherwise than the checkout waits for a person.
      if (found.stale.length > 0 && patched(PATCH_CUSTOMER_CURRENT)) {
        return {
          kind: 'needs_attention',
          reason:
            `relBase's customer ${found.customerId} for the factura's RUT has another ${found.stale.join(' and ')} than the order's, and the factura would carry relBase's: ` +
            `correct the customer in relBase and retry, or resolve with the receiver as relBase holds it`,
        };
      }
      return { kind: 'customer', customerId: found.customerId };
    }
    if (!address) {
      // A factura's receiver needs an address (DirRecep); inventing one would put it on a tax document.
      return { kind: 'needs_attention', reason: "relBase has no customer with the factura's RUT and the order has no billing address to create one" };
    }
    // Snapshots from before this change carry no place: those runs create as they did.
    placeIds ??= place && patched(PATCH_CUSTOMER_PLACE) ? await findPlaceIds(ctx, place) : {};
    let created;
    try {
      created = await ctx.creates.createCustomer({ storeCode: ctx.storeCode, receiver, address, ...placeIds });
    } catch (err) {
      const permanent = permanentFailureOf(err);
      if (permanent) return { kind: 'needs_attention', reason: `the factura's customer cannot be created in relBase: ${permanent.message}` };
      created = { outcome: 'unknown' as const, reason: err instanceof Error ? err.message : String(err) };
    }
    if (created.outcome === 'created') return { kind: 'customer', customerId: created.customerId };
    if (created.outcome === 'refused' && !created.throttled) {
      return { kind: 'needs_attention', reason: `relBase refused the factura's customer: ${created.message}; fix it and retry (or resolve)` };
    }
    const wait = created.outcome === 'refused' ? throttledWait : CUSTOMER_LOOK_AGAIN_MS;
    if (created.outcome === 'refused') throttledWait = Math.min(throttledWait * 2, THROTTLED_MAX_WAIT_MS);
    // The RUT stays out of the state: it may be a person's.
    await ctx.note(`the factura's customer was not created yet (${created.outcome === 'refused' ? 'relBase is throttling' : 'no answer'}); looking for it again`);
    await sleep(wait);
  }
}

/**
 * relBase's ids for the receiver's city and comuna (the SII wants CmnaRecep on a factura): the city
 * named like the order's, then its comuna named like the order's; each only when exactly one
 * matches. What is not found is left out and the customer is created without it, as before.
 */
async function findPlaceIds(ctx: IssueContext, place: NonNullable<ReceiverPlace>): Promise<{ communeId?: number; cityId?: number }> {
  if (!place.city) return {};
  const cities = await walkIds((page) => ctx.lookups.findCityPage({ storeCode: ctx.storeCode, name: place.city!, page }));
  if (cities.length !== 1) return {};
  const cityId = cities[0]!;
  if (!place.commune) return { cityId };
  const communes = await walkIds((page) => ctx.lookups.findCommunePage({ storeCode: ctx.storeCode, cityId, name: place.commune!, page }));
  return communes.length === 1 ? { cityId, communeId: communes[0]! } : { cityId };
}

async function walkIds(pageOf: (page: number) => Promise<{ ids: number[]; nextPage: number | null }>): Promise<number[]> {
  const ids = new Set<number>();
  let page: number | null = 1;
  for (let visited = 0; page !== null && visited < MAX_PAGES; visited++) {
    const result: { ids: number[]; nextPage: number | null } = await pageOf(page);
    for (const id of result.ids) ids.add(id);
    page = result.nextPage;
  }
  return [...ids];
}

/** The oldest customer with the receiver's RUT, and which of its razón social and giro differ from the receiver's. */
async function findCustomerWithRecord(ctx: IssueContext, receiver: Receiver): Promise<{ customerId: number; stale: string[] } | null> {
  const ids: number[] = [];
  const staleById = new Map<number, string[]>();
  const current = { razonSocial: receiver.razonSocial, giro: receiver.giro };
  let page: number | null = 1;
  for (let visited = 0; page !== null && visited < MAX_PAGES; visited++) {
    const result: { customerIds: number[]; nextPage: number | null; staleFields?: Record<string, string[]> } = await ctx.lookups.findCustomerPage({
      storeCode: ctx.storeCode,
      rut: receiver.rut,
      page,
      receiver: current,
    });
    ids.push(...result.customerIds);
    for (const [id, fields] of Object.entries(result.staleFields ?? {})) staleById.set(Number(id), fields);
    page = result.nextPage;
  }
  if (ids.length === 0) return null;
  // Several records for one RUT happen (typed twice by hand); the oldest is the one in use.
  const customerId = Math.min(...ids);
  return { customerId, stale: staleById.get(customerId) ?? [] };
}

async function findCustomer(ctx: IssueContext, rut: string): Promise<number | null> {
  const ids: number[] = [];
  let page: number | null = 1;
  for (let visited = 0; page !== null && visited < MAX_PAGES; visited++) {
    const result: { customerIds: number[]; nextPage: number | null } = await ctx.lookups.findCustomerPage({ storeCode: ctx.storeCode, rut, page });
    ids.push(...result.customerIds);
    page = result.nextPage;
  }
  // Several records for one RUT happen (typed twice by hand); the oldest is the one in use.
  return ids.length > 0 ? Math.min(...ids) : null;
}

/** The relBase product with exactly this code (the shipping product): its id, none, or several. */
export async function findProductByCode(
  ctx: Pick<IssueContext, 'storeCode' | 'lookups'>,
  code: string,
): Promise<{ kind: 'one'; id: number } | { kind: 'none' } | { kind: 'several'; ids: number[] }> {
  const ids = new Set<number>();
  let page: number | null = 1;
  for (let visited = 0; page !== null && visited < MAX_PAGES; visited++) {
    const result: { productIds: number[]; nextPage: number | null } = await ctx.lookups.findProductCodePage({ storeCode: ctx.storeCode, code, page });
    for (const id of result.productIds) ids.add(id);
    page = result.nextPage;
  }
  const all = [...ids];
  if (all.length > 1) return { kind: 'several', ids: all };
  return all[0] === undefined ? { kind: 'none' } : { kind: 'one', id: all[0] };
}
