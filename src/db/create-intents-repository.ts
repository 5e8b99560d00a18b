/**
 * `product_create_intents`: the right to create one SKU's relBase product, held by one sync at a
 * time. A sync claims it with one short statement (an owner and an expiry), sends its create, and
 * releases it once the link is recorded; no transaction or row lock is ever held across the HTTP
 * call. A claim that expires (a worker died) can be taken over, and every create sent is counted
 * until its product is linked, so whoever creates next looks the code up in relBase first: a create
 * whose answer was lost never becomes a second relBase product.
 */
import { sql } from 'kysely';
import type { Db } from './database.js';

export type IntentClaim =
  | {
      sku: string;
      state: 'claimed';
      /** Creates sent (by anyone) whose product is not linked yet: look the code up before creating. */
      createsUnconfirmed: number;
      /** The SKU got an active link meanwhile (another sync made or linked it): its relBase product id. */
      linkedTo: number | null;
    }
  | { sku: string; state: 'held'; owner: string; expiresAt: string };

/** Claims the create intents of these SKUs for `owner` (again, if it already holds them) for `ttlMs`. */
export async function claimCreateIntents(db: Db, storeCode: string, owner: string, skus: readonly string[], ttlMs: number): Promise<IntentClaim[]> {
  const wanted = [...new Set(skus)];
  if (wanted.length === 0) return [];
  const claimed = await sql<{ sku: string; creates_unconfirmed: number }>`
    insert into product_create_intents (store_code, sku, owner, expires_at, updated_at)
    select ${storeCode}, s, ${owner}, now() + ${`${ttlMs} milliseconds`}::interval, now() from unnest(${wanted}::text[]) as s
    on conflict (store_code, sku) do update
      set owner = excluded.owner, expires_at = excluded.expires_at, updated_at = now()
      where product_create_intents.owner is null
         or product_create_intents.expires_at <= now()
         or product_create_intents.owner = excluded.owner
    returning sku, creates_unconfirmed`.execute(db);
  const mine = new Map(claimed.rows.map((r) => [r.sku, r.creates_unconfirmed]));
  const others = wanted.filter((s) => !mine.has(s));
  const held =
    others.length === 0
      ? []
      : await db.selectFrom('product_create_intents').select(['sku', 'owner', 'expires_at']).where('store_code', '=', storeCode).where('sku', 'in', others).execute();
  const links =
    mine.size === 0
      ? []
      : await db
          .selectFrom('product_links')
          .select(['sku', 'relbase_product_id'])
          .where('store_code', '=', storeCode)
          .where('sku', 'in', [...mine.keys()])
          .where('active', '=', true)
          .execute();
  const linked = new Map(links.map((l) => [l.sku, Number(l.relbase_product_id)]));
  const heldBy = new Map(held.map((h) => [h.sku, h]));
  return wanted.map((sku): IntentClaim => {
    if (mine.has(sku)) return { sku, state: 'claimed', createsUnconfirmed: mine.get(sku)!, linkedTo: linked.get(sku) ?? null };
    const h = heldBy.get(sku);
    // Released between the two statements: report it held for a moment; the caller claims again.
    return { sku, state: 'held', owner: h?.owner ?? '', expiresAt: (h?.expires_at ?? new Date()).toISOString() };
  });
}

/**
 * Just before a create is sent: counts it and extends the claim, only while `owner` still holds
 * the intent for at least `mustLastMs` (the HTTP call's timeout with a margin). False: the claim was
 * lost (it expired and someone else took it); the caller must not send.
 */
export async function markCreateSent(db: Db, storeCode: string, sku: string, owner: string, ttlMs: number, mustLastMs: number): Promise<boolean> {
  const rows = await sql<{ sku: string }>`
    update product_create_intents
       set creates_unconfirmed = creates_unconfirmed + 1, last_create_sent_at = now(),
           expires_at = greatest(expires_at, now() + ${`${ttlMs} milliseconds`}::interval), updated_at = now()
     where store_code = ${storeCode} and sku = ${sku} and owner = ${owner}
       and expires_at > now() + ${`${mustLastMs} milliseconds`}::interval
    returning sku`.execute(db);
  return rows.rows.length > 0;
}

/**
 * Gives up `owner`'s intents on these SKUs. Those now linked (`linked`) are settled: their row goes.
 * The others keep their count of unconfirmed creates for the next claimer, and go too when none was sent.
 */
export async function releaseCreateIntents(db: Db, storeCode: string, owner: string, skus: readonly string[], linked: readonly string[]): Promise<void> {
  if (skus.length === 0) return;
  const settled = [...linked];
  await db
    .deleteFrom('product_create_intents')
    .where('store_code', '=', storeCode)
    .where('owner', '=', owner)
    .where('sku', 'in', [...skus])
    .where((eb) => eb.or([eb('creates_unconfirmed', '=', 0), ...(settled.length > 0 ? [eb('sku', 'in', settled)] : [])]))
    .execute();
  await db
    .updateTable('product_create_intents')
    .set({ owner: null, expires_at: null, updated_at: new Date() })
    .where('store_code', '=', storeCode)
    .where('owner', '=', owner)
    .where('sku', 'in', [...skus])
    .execute();
}

/**
 * How long a claim lasts unless renewed: long enough for a catalog page's creates at relBase's
 * rate (each create renews it), short enough that a sync whose worker died frees its SKUs soon.
 */
export const CREATE_INTENT_TTL_MS = 5 * 60_000;
/** A create is sent only while the claim outlasts the HTTP call (the client's 15 s timeout) with room to spare. */
export const CREATE_CALL_WINDOW_MS = 60_000;
