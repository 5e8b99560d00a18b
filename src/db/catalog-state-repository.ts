/**
 * A catalog sync's working state, keyed by its report id: the SKUs its scan saw
 * (`catalog_scan_items`), relBase's products under those codes (`catalog_index`) and the SKU
 * problems it found (`catalog_problems`). The workflow keeps only cursors and counters and reads a
 * page's worth of this at a time, so neither its memory nor its continue-as-new input grows with the
 * catalog. Scan and index rows go when the sync ends; problems stay until the store's next sync.
 */
import { sql } from 'kysely';
import type { Db } from './database.js';

export interface ScanItem {
  sku: string;
  /** `product:ID` or `variant:ID`: the same item scanned twice (a retried page) is one row. */
  itemKey: string;
  label: string;
}

export async function recordScanItems(db: Db, reportId: string, items: readonly ScanItem[]): Promise<void> {
  for (let i = 0; i < items.length; i += 1000) {
    const chunk = items.slice(i, i + 1000);
    await db
      .insertInto('catalog_scan_items')
      .values(chunk.map((x) => ({ report_id: reportId, sku: x.sku, item_key: x.itemKey, label: x.label })))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}

/**
 * After the scan: every SKU held by more than one product or variant becomes one 'duplicated'
 * problem naming every holder in catalog order. Returns how many SKUs the scan saw and how many are shared.
 */
export async function closeScan(db: Db, reportId: string): Promise<{ skus: number; duplicated: number }> {
  await sql`
    insert into catalog_problems (report_id, kind, subject, sku, items, reason)
    select ${reportId}, 'duplicated', sku, sku, jsonb_agg(label order by seq),
           'SKU ' || sku || ' is shared by ' || count(*) || ' products or variants of the store; each needs its own'
      from catalog_scan_items where report_id = ${reportId}
     group by sku having count(*) > 1
     order by min(seq)
    on conflict do nothing`.execute(db);
  const row = await sql<{ skus: string; duplicated: string }>`
    select count(*) as skus, count(*) filter (where n > 1) as duplicated
      from (select sku, count(*) as n from catalog_scan_items where report_id = ${reportId} group by sku) s`.execute(db);
  return { skus: Number(row.rows[0]?.skus ?? 0), duplicated: Number(row.rows[0]?.duplicated ?? 0) };
}

export interface IndexEntry {
  code: string;
  relbaseProductId: number;
  fingerprint: string;
  hasImage: boolean;
}

/** Keeps the entries whose code the scan saw (the index covers the store's SKUs only); returns how many. */
export async function recordIndexEntries(db: Db, reportId: string, entries: readonly IndexEntry[]): Promise<number> {
  if (entries.length === 0) return 0;
  const result = await sql`
    insert into catalog_index (report_id, code, relbase_product_id, fingerprint, has_image)
    select ${reportId}, e.code, e.id, e.fingerprint, e.has_image
      from unnest(${entries.map((e) => e.code)}::text[], ${entries.map((e) => e.relbaseProductId)}::bigint[],
                  ${entries.map((e) => e.fingerprint)}::text[], ${entries.map((e) => e.hasImage)}::boolean[])
           as e(code, id, fingerprint, has_image)
     where exists (select 1 from catalog_scan_items s where s.report_id = ${reportId} and s.sku = e.code)
    on conflict do nothing`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

export interface PageState {
  /** SKU → the relBase products the index holds under it (none: relBase has no product with that code). */
  index: Map<string, IndexEntry[]>;
  /** SKUs the scan saw: the index is known to cover them. */
  scanned: Set<string>;
  /** SKUs the scan found on more than one product or variant. */
  duplicated: Set<string>;
}

export async function readPageState(db: Db, reportId: string, skus: readonly string[]): Promise<PageState> {
  const state: PageState = { index: new Map(), scanned: new Set(), duplicated: new Set() };
  if (skus.length === 0) return state;
  const scanned = await db
    .selectFrom('catalog_scan_items')
    .select(['sku', (eb) => eb.fn.countAll<string>().as('n')])
    .where('report_id', '=', reportId)
    .where('sku', 'in', [...skus])
    .groupBy('sku')
    .execute();
  for (const s of scanned) {
    state.scanned.add(s.sku);
    if (Number(s.n) > 1) state.duplicated.add(s.sku);
  }
  const entries = await db
    .selectFrom('catalog_index')
    .select(['code', 'relbase_product_id', 'fingerprint', 'has_image'])
    .where('report_id', '=', reportId)
    .where('code', 'in', [...skus])
    .orderBy('relbase_product_id')
    .execute();
  for (const e of entries) {
    const list = state.index.get(e.code) ?? [];
    list.push({ code: e.code, relbaseProductId: Number(e.relbase_product_id), fingerprint: e.fingerprint, hasImage: e.has_image });
    state.index.set(e.code, list);
  }
  return state;
}

export interface ProblemRow {
  kind: string;
  subject: string;
  sku: string | null;
  items: string[];
  reason: string;
}

/** Adds problems; one already recorded (same kind and subject, e.g. a retried page) is kept as it was. */
export async function recordProblems(db: Db, reportId: string, problems: readonly ProblemRow[]): Promise<void> {
  for (let i = 0; i < problems.length; i += 500) {
    await db
      .insertInto('catalog_problems')
      .values(problems.slice(i, i + 500).map((p) => ({ report_id: reportId, kind: p.kind, subject: p.subject, sku: p.sku, items: JSON.stringify(p.items), reason: p.reason })))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}

/** The first `limit` problems of each group (image failures apart from SKU problems), in the order found, and how many there are. */
export async function readProblems(
  db: Db,
  reportId: string,
  limit: number,
): Promise<{ problems: ProblemRow[]; problemCount: number; imageFailures: ProblemRow[]; imageFailureCount: number }> {
  const read = async (images: boolean) => {
    const rows = await db
      .selectFrom('catalog_problems')
      .select(['kind', 'subject', 'sku', 'items', 'reason'])
      .where('report_id', '=', reportId)
      .where('kind', images ? '=' : '!=', 'image')
      .orderBy('seq')
      .limit(limit)
      .execute();
    const count = await db
      .selectFrom('catalog_problems')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('report_id', '=', reportId)
      .where('kind', images ? '=' : '!=', 'image')
      .executeTakeFirstOrThrow();
    return { rows, count: Number(count.n) };
  };
  const [problems, images] = await Promise.all([read(false), read(true)]);
  return { problems: problems.rows, problemCount: problems.count, imageFailures: images.rows, imageFailureCount: images.count };
}

/** The scan and index of a finished sync: only its problems outlive it (they are its report). */
export async function dropWorkingState(db: Db, reportId: string): Promise<void> {
  await db.deleteFrom('catalog_scan_items').where('report_id', '=', reportId).execute();
  await db.deleteFrom('catalog_index').where('report_id', '=', reportId).execute();
}

/** Everything left by the store's earlier catalog syncs (finished, or ended without finishing). */
export async function dropEarlierState(db: Db, storeCode: string, reportId: string): Promise<void> {
  const earlier = db.selectFrom('sync_reports').select('id').where('store_code', '=', storeCode).where('kind', '=', 'catalog').where('id', '!=', reportId);
  await db.deleteFrom('catalog_scan_items').where('report_id', 'in', earlier).execute();
  await db.deleteFrom('catalog_index').where('report_id', 'in', earlier).execute();
  await db.deleteFrom('catalog_problems').where('report_id', 'in', earlier).execute();
}
