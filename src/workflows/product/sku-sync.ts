/**
 * The per-SKU sync, shared by product sync and catalog sync: for a batch of SKUs, find what relBase
 * holds under each code (unless the caller already knows, as the catalog's index does), create the
 * products relBase lacks exactly once, bring names and prices in line, and record the links.
 *
 * One relBase product per SKU is a promise like one document per order. A SKU is created only by
 * the sync holding its create intent (a PostgreSQL row with an owner and an expiry, claimed by one
 * short statement: no lock is held across an HTTP call). A create is a single call that reports
 * `created`, `refused` or `unknown`; after an unknown outcome (a timeout, a lost answer, a worker
 * gone mid-call) the code is looked up again, after a pause for a late commit, before any second
 * create, and so is a code whose earlier creates were never confirmed.
 *
 * Every relBase step has bounded retries: a SKU that keeps failing is reported as failed, with its
 * reason, and the rest of the batch goes on.
 */
import { ApplicationFailure, isCancellation, log, sleep } from '@temporalio/workflow';
import type { LinkRecord } from '../../activities/product-records.js';
import type { IntentClaim } from '../../db/create-intents-repository.js';
import { databaseActivities, relbaseActivities } from '../activity-proxies.js';
import { failureMessage, permanentFailureOf } from '../failures.js';
import type { CreateOutcome, LinkState, RelbaseEntry, RelbaseLookup, SkuOutcome, SkuProblem, SyncItem } from './contracts.js';
import { planSku } from './plan.js';
import { singleAttemptRelbaseProfile, syncRelbaseProfile } from './sync-profiles.js';

/** The failure type of a SKU this sync gave up on (it shows in the SKU's problem, not as a workflow failure). */
export const SKU_NOT_SYNCED = 'sync.skuNotSynced';

/** Pages of relBase's fuzzy search walked for one code before giving up (far beyond any real catalog). */
const MAX_LOOKUP_PAGES = 200;
/** Creates tried for one SKU (each after a lookup when the last outcome was unknown). */
const MAX_CREATE_TRIES = 5;
/** Before looking for a product whose create had an unknown outcome: time for a late commit to land. */
const CREATE_SETTLE = '5 seconds';
/** Waiting for another sync's create intent on a SKU: about six minutes in all, past its expiry. */
const HELD_WAITS_MS = [1_000, 2_000, 4_000, 8_000, 15_000, 30_000, 60_000, 60_000, 60_000, 60_000, 60_000];
/** Image uploads tried per SKU, each after checking that relBase does not have the image already. */
const IMAGE_TRIES = 4;

/** One SKU to sync: the item as Jumpseller shows it, our link, and what relBase holds when known. */
export interface SkuWork {
  item: SyncItem & { sku: string };
  link: LinkState | undefined;
  /** From the catalog's index; absent: the SKU is looked up in relBase. */
  known?: RelbaseLookup;
}

/** A SKU in relBase and linked. */
export interface SkuDone {
  item: SyncItem & { sku: string };
  relbaseProductId: number;
  outcome: SkuOutcome;
  /** Our link was missing, pointed elsewhere or was inactive (counted as linked by the catalog). */
  linkedNow: boolean;
  /** relBase's name or price was brought in line (never true for a product created now). */
  updated: boolean;
  /** relBase's product had an image before this sync. */
  hadImage: boolean;
  /** relBase has no image and Jumpseller has one: uploaded here with `imagesInline`, else by the caller when it chooses. */
  uploadImage: boolean;
  /** What the upload did, when it was made here (`imagesInline`). */
  image?: ImageOutcome;
}

export interface SkuBatchResult {
  done: SkuDone[];
  failed: SkuProblem[];
}

export interface SkuBatchOptions {
  /** SKUs worked on at once. */
  concurrency: number;
  /** Checked between SKUs: true stops the batch after the SKUs in flight (a catalog's cancel). */
  stopped?: () => boolean;
  /**
   * Upload each SKU's missing image right after its product is settled, in the same lane, so
   * relBase's queue never waits between creates and uploads (catalog sync). Product sync leaves it
   * off: it records links and wakes orders before any download.
   */
  imagesInline?: boolean;
}

type ResolvedWork = SkuWork & { lookup: RelbaseLookup };

function activitiesFor(storeCode: string) {
  return {
    db: databaseActivities(),
    relbase: relbaseActivities(storeCode, syncRelbaseProfile(storeCode)),
    once: relbaseActivities(storeCode, singleAttemptRelbaseProfile(storeCode)),
  };
}

/** `fn` over `items`, at most `limit` at once, in order of the items (deterministic: no timing involved). */
export async function inLanes<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>, stopped: () => boolean = () => false): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(Math.max(1, limit), items.length) }, async () => {
      while (next < items.length && !stopped()) await fn(items[next++]!);
    }),
  );
}

/** The item's tax status for relBase when Jumpseller gave one (absent in items from before issue 15). */
function taxOf(item: SyncItem): { taxAffected?: boolean } {
  return item.taxAffected === undefined ? {} : { taxAffected: item.taxAffected };
}

function failed(item: SyncItem & { sku: string }, reason: string): SkuProblem {
  return { kind: 'failed', sku: item.sku, items: [item.label], reason };
}

function conflictProblem(item: SyncItem & { sku: string }, ids: readonly number[]): SkuProblem {
  return failed(item, `relBase holds ${ids.length} products with code ${item.sku} (ids ${ids.join(', ')}); merge them in relBase`);
}

function giveUp(message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, SKU_NOT_SYNCED);
}

/**
 * What relBase holds under a code: the linked product when it still has that code (one call), else
 * every page of relBase's fuzzy search for it, matched exactly.
 */
export async function lookUpCode(storeCode: string, sku: string, linkedId: number | null): Promise<RelbaseLookup> {
  const { relbase } = activitiesFor(storeCode);
  if (linkedId !== null) {
    const linked = await relbase.readRelbaseProduct({ storeCode, relbaseProductId: linkedId });
    if (linked && linked.code?.trim() === sku) {
      const tax = linked.taxAffected === undefined ? {} : { taxAffected: linked.taxAffected };
      return { kind: 'found', entry: { id: linked.id, fingerprint: linked.fingerprint, hasImage: linked.hasImage, ...tax } };
    }
  }
  const byId = new Map<number, RelbaseEntry>();
  let page: number | null = 1;
  for (let walked = 0; page !== null; walked++) {
    if (walked >= MAX_LOOKUP_PAGES) throw giveUp(`relBase's search for ${sku} went past ${MAX_LOOKUP_PAGES} pages`);
    const answer: { matches: RelbaseEntry[]; nextPage: number | null } = await relbase.findRelbaseProductsPage({ storeCode, code: sku, page });
    for (const m of answer.matches) byId.set(m.id, m);
    page = answer.nextPage !== null && answer.nextPage > page ? answer.nextPage : null;
  }
  const found = [...byId.values()];
  if (found.length === 0) return { kind: 'absent' };
  if (found.length === 1) return { kind: 'found', entry: found[0]! };
  return { kind: 'conflict', ids: found.map((f) => f.id).sort((a, b) => a - b) };
}

/**
 * Syncs a batch of SKUs of one store: each ends in `done` (in relBase, linked, name and price in
 * line) or in `failed` with the reason. `owner` names the sync (workflow and run) for create intents.
 */
export async function syncSkuBatch(storeCode: string, owner: string, work: readonly SkuWork[], o: SkuBatchOptions): Promise<SkuBatchResult> {
  const acts = activitiesFor(storeCode);
  const stopped = o.stopped ?? (() => false);
  const result: SkuBatchResult = { done: [], failed: [] };
  const fail = (item: SyncItem & { sku: string }, err: unknown) => {
    if (isCancellation(err)) throw err;
    result.failed.push(failed(item, failureMessage(err)));
    log.warn('SKU not synced', { storeCode, sku: item.sku, reason: failureMessage(err) });
  };

  // 1. What relBase holds under each code.
  const resolved: ResolvedWork[] = [];
  await inLanes(
    work,
    o.concurrency,
    async (w) => {
      try {
        const lookup = w.known ?? (await lookUpCode(storeCode, w.item.sku, w.link?.active ? w.link.relbaseProductId : null));
        if (lookup.kind === 'conflict') result.failed.push(conflictProblem(w.item, lookup.ids));
        else resolved.push({ ...w, lookup });
      } catch (err) {
        fail(w.item, err);
      }
    },
    stopped,
  );
  // Work in the order of the batch, whatever order the lookups finished in.
  const order = new Map(work.map((w, i) => [w.item.sku, i]));
  resolved.sort((a, b) => order.get(a.item.sku)! - order.get(b.item.sku)!);

  // 2. The right to create the codes relBase lacks.
  const claims = await claimIntents(
    storeCode,
    owner,
    resolved.filter((w) => w.lookup.kind === 'absent').map((w) => w.item.sku),
  );
  const released = [...claims.claimed.keys()];

  // 3. Create or link each SKU, and bring relBase in line.
  const links: LinkRecord[] = [];
  await inLanes(
    resolved,
    o.concurrency,
    async (w) => {
      const { item, link } = w;
      try {
        let entry: RelbaseEntry;
        let created = false;
        if (w.lookup.kind === 'found') {
          entry = w.lookup.entry;
        } else {
          const claim = claims.claimed.get(item.sku);
          if (!claim) throw giveUp(claims.notClaimed.get(item.sku) ?? `no create intent for ${item.sku}`);
          const made = await createOnce(storeCode, owner, w, claim);
          entry = made.entry;
          created = made.created;
        }
        const plan = planSku(item, created ? null : entry, link, w.known !== undefined);
        const uploadImage = created ? item.imageUrl !== null : plan.uploadImage;
        const linkedNow = created || plan.recordLink;
        const updated = !created && plan.update;
        if (updated) await acts.relbase.updateRelbaseProduct({ storeCode, relbaseProductId: entry.id, name: item.name, price: item.price, ...taxOf(item) });
        const image = uploadImage && o.imagesInline ? await uploadOneImage(storeCode, { sku: item.sku, relbaseProductId: entry.id, imageUrl: item.imageUrl! }) : undefined;
        const imageSynced = entry.hasImage || (image !== undefined && image.kind !== 'failed');
        if (linkedNow) links.push({ sku: item.sku, jsProductId: item.jsProductId, jsVariantId: item.jsVariantId, relbaseProductId: entry.id, imageSynced });
        const outcome: SkuOutcome = created ? 'created' : updated ? 'updated' : plan.recordLink ? 'linked' : 'unchanged';
        result.done.push({ item, relbaseProductId: entry.id, outcome, linkedNow, updated, hadImage: entry.hasImage, uploadImage, ...(image ? { image } : {}) });
      } catch (err) {
        fail(item, err);
      }
    },
    stopped,
  );

  // 4. The links, and the intents given up, at once (SKUs left unclaimed by a stop are released too).
  if (links.length > 0 || released.length > 0) await acts.db.finishSkuSync({ storeCode, owner, links, release: released });
  const doneOrder = new Map(work.map((w, i) => [w.item.sku, i]));
  result.done.sort((a, b) => doneOrder.get(a.item.sku)! - doneOrder.get(b.item.sku)!);
  return result;
}

/** What became of a relBase product no Jumpseller product holds (the shipping product). */
export type CodeProductOutcome = { kind: 'found' | 'created'; relbaseProductId: number } | { kind: 'conflict'; ids: number[] };

/**
 * A relBase product under `product.code` that no Jumpseller product stands for (the shipping
 * product the documents' shipping line names): found, or created once by the same intent →
 * single create → look-again path as a SKU. Nothing is linked.
 */
export async function ensureRelbaseProductByCode(storeCode: string, owner: string, product: { code: string; name: string; price: number }): Promise<CodeProductOutcome> {
  const lookup = await lookUpCode(storeCode, product.code, null);
  if (lookup.kind === 'found') return { kind: 'found', relbaseProductId: lookup.entry.id };
  if (lookup.kind === 'conflict') return lookup;
  const item: SyncItem & { sku: string } = {
    key: product.code,
    sku: product.code,
    label: `relBase product ${product.code}`,
    name: product.name,
    price: product.price,
    jsProductId: '',
    jsVariantId: null,
    imageUrl: null,
    fingerprint: '',
  };
  const claims = await claimIntents(storeCode, owner, [product.code]);
  const claim = claims.claimed.get(product.code);
  if (!claim) throw giveUp(claims.notClaimed.get(product.code) ?? `no create intent for ${product.code}`);
  // Given up once settled or failed; one whose creates stay unconfirmed keeps its count, so the next look comes first.
  const release = () => activitiesFor(storeCode).db.finishSkuSync({ storeCode, owner, links: [], release: [product.code] });
  let made: { entry: RelbaseEntry; created: boolean };
  try {
    made = await createOnce(storeCode, owner, { item, link: undefined, lookup }, claim);
  } catch (err) {
    if (!isCancellation(err)) await release();
    throw err;
  }
  await release();
  return { kind: made.created ? 'created' : 'found', relbaseProductId: made.entry.id };
}

interface Claims {
  claimed: Map<string, Extract<IntentClaim, { state: 'claimed' }>>;
  /** SKU → why it could not be claimed (another sync kept its intent past every wait). */
  notClaimed: Map<string, string>;
}

/** Claims the create intents of these SKUs, waiting (within bounds) for another sync that holds some. */
async function claimIntents(storeCode: string, owner: string, skus: readonly string[]): Promise<Claims> {
  const { db } = activitiesFor(storeCode);
  const claims: Claims = { claimed: new Map(), notClaimed: new Map() };
  let pending = [...skus];
  for (let round = 0; pending.length > 0; round++) {
    const answer = await db.claimCreateIntents({ storeCode, owner, skus: pending });
    for (const c of answer) if (c.state === 'claimed') claims.claimed.set(c.sku, c);
    const held = answer.filter((c): c is Extract<IntentClaim, { state: 'held' }> => c.state === 'held');
    pending = held.map((c) => c.sku);
    if (pending.length === 0) break;
    if (round >= HELD_WAITS_MS.length) {
      for (const h of held) claims.notClaimed.set(h.sku, `another sync (${h.owner}) kept creating ${h.sku} in relBase past every wait; the next change tries again`);
      break;
    }
    await sleep(HELD_WAITS_MS[round]!);
  }
  return claims;
}

/**
 * The relBase product of a SKU relBase did not have: found after all (another sync made it, or an
 * earlier create whose outcome nobody learnt), or created now, once.
 */
async function createOnce(
  storeCode: string,
  owner: string,
  w: ResolvedWork,
  claim: Extract<IntentClaim, { state: 'claimed' }>,
): Promise<{ entry: RelbaseEntry; created: boolean }> {
  const acts = activitiesFor(storeCode);
  const { item } = w;
  let current = claim;
  // Linked since we looked (another sync made it while we waited for its intent): that product it is.
  if (current.linkedTo !== null) {
    const linked = await acts.relbase.readRelbaseProduct({ storeCode, relbaseProductId: current.linkedTo });
    if (linked && linked.code?.trim() === item.sku) return { entry: { id: linked.id, fingerprint: linked.fingerprint, hasImage: linked.hasImage }, created: false };
  }
  // Look before creating when a create may already have reached relBase, or when the catalog's index
  // said "absent" yet our link says the SKU was linked once (relBase lists only active products).
  // A lookup just made (product sync) need not be repeated.
  let lookFirst = current.createsUnconfirmed > 0 || (w.known !== undefined && planSku(item, null, w.link, true).lookFirst);
  let lastReason = '';
  for (let tries = 0; ; ) {
    if (lookFirst) {
      const again = await lookUpCode(storeCode, item.sku, null);
      if (again.kind === 'found') return { entry: again.entry, created: false };
      if (again.kind === 'conflict') throw giveUp(conflictProblem(item, again.ids).reason);
    }
    if (tries >= MAX_CREATE_TRIES) throw giveUp(`relBase did not confirm creating ${item.sku} after ${tries} tries; last: ${lastReason}`);
    tries++;
    let outcome: CreateOutcome;
    try {
      outcome = await acts.once.createRelbaseProductOnce({ storeCode, owner, sku: item.sku, name: item.name, price: item.price, ...taxOf(item) });
    } catch (err) {
      if (isCancellation(err) || permanentFailureOf(err)) throw err;
      // The activity timed out or its worker went away: the call may have been sent.
      outcome = { kind: 'unknown' as const, reason: failureMessage(err) };
    }
    switch (outcome.kind) {
      case 'created':
        return { entry: outcome.entry, created: true };
      case 'unknown':
        lastReason = outcome.reason;
        lookFirst = true;
        await sleep(CREATE_SETTLE);
        break;
      case 'refused':
        // relBase answered 403 (over its limit): nothing was made; wait as its window asks.
        lastReason = outcome.reason;
        lookFirst = false;
        await sleep(Math.min(30_000, 1000 * 2 ** (tries - 1)));
        break;
      case 'claimLost': {
        // Our intent expired (a long pause) and may be someone else's now: take it again, then look.
        lastReason = 'the create intent expired before the call';
        const claimed = await claimIntents(storeCode, owner, [item.sku]);
        const mine = claimed.claimed.get(item.sku);
        if (!mine) throw giveUp(claimed.notClaimed.get(item.sku) ?? lastReason);
        current = mine;
        if (current.linkedTo !== null) {
          const linked = await acts.relbase.readRelbaseProduct({ storeCode, relbaseProductId: current.linkedTo });
          if (linked && linked.code?.trim() === item.sku) return { entry: { id: linked.id, fingerprint: linked.fingerprint, hasImage: linked.hasImage }, created: false };
        }
        lookFirst = true;
        break;
      }
    }
  }
}

export type ImageOutcome = { kind: 'uploaded' } | { kind: 'present' } | { kind: 'failed'; reason: string };

/**
 * Uploads Jumpseller's image to a relBase product that has none. Each upload is one call; before
 * sending one again the product is read, so an image that arrived meanwhile (ours, or a person's) is kept.
 */
export async function uploadOneImage(storeCode: string, u: { sku: string; relbaseProductId: number; imageUrl: string }): Promise<ImageOutcome> {
  const acts = activitiesFor(storeCode);
  for (let tries = 1; ; tries++) {
    try {
      await acts.once.uploadProductImage({ storeCode, sku: u.sku, relbaseProductId: u.relbaseProductId, imageUrl: u.imageUrl });
      return { kind: 'uploaded' };
    } catch (err) {
      if (isCancellation(err)) throw err;
      if (permanentFailureOf(err) || tries >= IMAGE_TRIES) return { kind: 'failed', reason: failureMessage(err) };
    }
    try {
      await sleep(2_000 * 2 ** (tries - 1));
      const now = await acts.relbase.readRelbaseProduct({ storeCode, relbaseProductId: u.relbaseProductId });
      if (now === null) return { kind: 'failed', reason: `relBase no longer has product ${u.relbaseProductId}` };
      if (now.hasImage) {
        await acts.db.markProductImageSynced({ storeCode, sku: u.sku });
        return { kind: 'present' };
      }
    } catch (err) {
      if (isCancellation(err)) throw err;
      return { kind: 'failed', reason: failureMessage(err) };
    }
  }
}

/** `uploadOneImage` for several SKUs, a few at a time. */
export async function uploadImages(
  storeCode: string,
  uploads: readonly { sku: string; relbaseProductId: number; imageUrl: string }[],
  o: SkuBatchOptions,
): Promise<Map<string, ImageOutcome>> {
  const outcomes = new Map<string, ImageOutcome>();
  await inLanes(uploads, o.concurrency, async (u) => void outcomes.set(u.sku, await uploadOneImage(storeCode, u)), o.stopped);
  return outcomes;
}
