/**
 * Fake activities of the order workflow: a Jumpseller order whose status the test scripts, a plan
 * the test scripts, and an in-memory document row that behaves like the `documents` table of the
 * issuing steps (intent → create_sent → issued, creates counted, a token only while no create was
 * claimed since the intent was read), with a relBase whose label search the test controls.
 */
import type { CreateOutcome, IssuedRecord, IssueIntent, IssuingSettings, OrderDocumentPlan, OrderSnapshot, SiiStatusRead } from '../../../src/activities/order-activities.js';
import type { CancellationCreditPlan } from '../../../src/activities/credit-note-activities.js';
import type { ResolveSignal } from '../../../src/workflows/order/contracts.js';
import { Calls } from './harness.js';

export const ORDER_ID = '1001';
export const ISSUED: IssuedRecord = { relbaseId: '5001', folio: '321', total: 11900, pdfUrl: 'https://relbase.example/5001.pdf', typeDocument: 39 };

export function snapshot(statusEnum: string): OrderSnapshot {
  return {
    orderId: ORDER_ID,
    statusEnum,
    currency: 'CLP',
    total: 11900,
    orderDiscount: 0,
    shipping: 0,
    shippingDiscount: 0,
    lines: [{ sku: 'SKU-1', name: 'Polera', quantity: 1, unitPrice: 11900, lineDiscount: 0, jsProductId: '77', jsVariantId: null }],
    additionalFields: [],
    receiverAddress: null,
  };
}

export function readyPlan(issuing: IssuingSettings = { settleSeconds: 300, alwaysLookFirst: false }): OrderDocumentPlan {
  return {
    kind: 'ready',
    document: { typeDocument: 39, typeDocumentSii: null, customerFor: null, lines: [], total: 11900, fellBackReason: null, shippingProductCode: null },
    issuing,
  };
}

export interface OrderScript {
  /** Jumpseller's `status_enum` at each read (the last one repeats). */
  statuses: string[];
  /** The plan at each planning (the last one repeats). */
  plans: OrderDocumentPlan[];
  /** What each create does (the last one repeats); 'throw' fails the activity itself. */
  creates?: (CreateOutcome['outcome'] | 'throw')[];
  /** From this label search on (1-based), relBase finds the document; never when absent. */
  foundFromLook?: number;
  /** relBase's `sii_status` at each look after issuing (the last one repeats); default: accepted at once. */
  siiStatuses?: SiiStatusRead[];
  /** Awaited at the start of each read of the order (1-based): a test holds a read open with it. */
  beforeRead?: (read: number) => Promise<void> | void;
  /** The document was issued by an earlier run (the row starts issued as ISSUED). */
  alreadyIssued?: boolean;
  /** The store's creditNoteOnCancel; a cancellation with it off ends the run issued, saying so. */
  creditNoteOnCancel?: boolean;
}

export interface OrderFakes {
  calls: Calls;
  activities: ReturnType<Calls['record']>;
  /** Changes what Jumpseller answers from now on. */
  setStatuses(statuses: string[]): void;
  setPlans(plans: OrderDocumentPlan[]): void;
  /** The document row's state as the fakes hold it. */
  row(): { state: IssueIntent['state']; createsSent: number };
}

function nth<T>(list: readonly T[], i: number): T {
  return list[Math.min(i, list.length - 1)]!;
}

export function orderFakes(script: OrderScript): OrderFakes {
  const calls = new Calls();
  let statuses = script.statuses;
  let plans = script.plans;
  let reads = 0;
  let planned = 0;
  let looks = 0;
  let creates = 0;
  let siiReads = 0;
  const row: { state: IssueIntent['state']; createsSent: number; issued: IssuedRecord | null; tokens: number } = script.alreadyIssued
    ? { state: 'issued', createsSent: 1, issued: ISSUED, tokens: 1 }
    : { state: 'intent', createsSent: 0, issued: null, tokens: 0 };

  const activities = calls.record({
    findIssuedDocument(): IssuedRecord | null {
      return row.issued;
    },
    recordOrderState(): void {},
    async fetchOrder(): Promise<OrderSnapshot> {
      const read = reads++;
      await script.beforeRead?.(read + 1);
      return snapshot(nth(statuses, read));
    },
    planOrderDocument(_input: { override: ResolveSignal | null }): OrderDocumentPlan {
      return nth(plans, planned++);
    },
    requestProductSync(): void {},
    beginIssue(input: { label: string }): IssueIntent {
      return { label: input.label, state: row.state, createsSent: row.createsSent, inFlightUntil: null, issued: row.issued };
    },
    findDocumentByLabel(): { matches: IssuedRecord[]; nextPage: number | null } {
      looks++;
      const found = script.foundFromLook !== undefined && looks >= script.foundFromLook;
      return { matches: found ? [ISSUED] : [], nextPage: null };
    },
    prepareCreate(input: { expectedCreatesSent: number }): { token: string; deadline: string } | null {
      if (input.expectedCreatesSent !== row.createsSent) return null;
      return { token: `token-${++row.tokens}`, deadline: new Date(Date.now() + 90_000).toISOString() };
    },
    sendCreate(): CreateOutcome {
      const what = nth(script.creates ?? ['created'], creates++);
      // The claim is made before the request leaves: from here on a create may have reached relBase.
      row.createsSent++;
      row.state = 'create_sent';
      if (what === 'throw') throw new Error('the worker lost the answer');
      if (what === 'created') return { outcome: 'created', document: ISSUED };
      if (what === 'unknown') return { outcome: 'unknown', reason: 'timeout after 15 s' };
      if (what === 'refused') return { outcome: 'refused', throttled: false, status: 422, message: 'bad line' };
      return { outcome: 'not_sent', reason: 'claim window passed' };
    },
    readSiiStatus(): SiiStatusRead {
      return nth(script.siiStatuses ?? [{ siiStatus: 'accepted', statusName: 'Aceptado' }], siiReads++);
    },
    planCancellationCredit(): CancellationCreditPlan {
      const document = row.issued ? { label: `JS-${ORDER_ID}`, relbaseId: row.issued.relbaseId, typeDocument: row.issued.typeDocument, folio: row.issued.folio } : null;
      return { enabled: script.creditNoteOnCancel ?? true, document, creditNotes: [], issuing: { settleSeconds: 300, alwaysLookFirst: false } };
    },
    recordIssued(input: { document: IssuedRecord }): void {
      row.state = 'issued';
      row.issued = input.document;
    },
  });

  return {
    calls,
    activities,
    setStatuses: (s) => {
      statuses = s;
      reads = 0;
    },
    setPlans: (p) => {
      plans = p;
      planned = 0;
    },
    row: () => ({ state: row.state, createsSent: row.createsSent }),
  };
}
