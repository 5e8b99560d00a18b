/**
 * Stock push, one workflow per store and SKU (`stock:{store}:{sku}`): collects `stockChanged`
 * notices, waits out the store's debounce window so a burst becomes one push, reads relBase's stock
 * (unless the notice carried a fresh reading), shows it as the shop must (whole units, negatives as
 * 0), and updates Jumpseller only when that differs from what was last pushed. Idle, it finishes; the
 * next notice starts it again. It continues as new before its history grows large.
 */
import { allHandlersFinished, condition, continueAsNew, patched, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import { stockForShop } from '../../domain/stock.js';
import { databaseActivities, jumpsellerActivities, relbaseActivities } from '../activity-proxies.js';
import { permanentFailureOf } from '../failures.js';
import { stockChangedSignal, stockPushStatusQuery, type StockChange, type StockPushInput, type StockPushStatus } from './contracts.js';

/** With no notice for this long the workflow ends (a new notice starts a new run). */
const IDLE_TIMEOUT = '2 minutes';
/** Pushes per run before continuing as new: keeps each run's history short. */
const PUSHES_PER_RUN = 100;
/**
 * A push is a Jumpseller read (first push only), a Jumpseller write and a database record, each its
 * own activity. Runs that were pushing before this version replay the one activity that did all
 * three (kept in src/activities/legacy-sync-activities.ts).
 */
const SINGLE_CALL_PUSH_PATCH = 'stock-push-single-calls';
/**
 * A notice that arrives while the target is read again after the debounce is kept when that read
 * says "off" or "unlinked": it may come from the change that switched sync on or linked the SKU.
 */
const NOTICE_DURING_READ_PATCH = 'stock-push-notice-during-target-read';

export async function stockPushWorkflow(input: StockPushInput): Promise<StockPushStatus> {
  const { storeCode, sku } = input;
  const db = databaseActivities();
  const relbase = relbaseActivities(storeCode);
  const jumpseller = jumpsellerActivities(storeCode);
  const legacy = jumpsellerActivities(storeCode);

  /** Sets the shop's stock; on a SKU's first push, the shop's own value is read first: equal, it is only recorded. */
  async function pushToShop(link: { jsProductId: number; jsVariantId: number | null }, quantity: number, firstPush: boolean): Promise<'pushed' | 'already there'> {
    if (firstPush) {
      const shop = await jumpseller.readShopStock({ storeCode, jsProductId: link.jsProductId, jsVariantId: link.jsVariantId });
      if (shop.stock === quantity && !shop.unlimited) {
        await db.recordStockPush({ storeCode, sku, quantity });
        return 'already there';
      }
    }
    await jumpseller.writeShopStock({ storeCode, jsProductId: link.jsProductId, jsVariantId: link.jsVariantId, quantity });
    await db.recordStockPush({ storeCode, sku, quantity });
    return 'pushed';
  }

  const status: StockPushStatus = { storeCode, sku, state: 'waiting', lastOutcome: null, lastRead: null, lastPushed: null, pushes: 0, skipped: 0 };
  let pending: StockChange | undefined = input.carried ?? undefined;
  /** Notices received by this run, to tell whether one came during a read. */
  let notices = 0;
  setHandler(stockPushStatusQuery, () => status);
  setHandler(stockChangedSignal, (change) => {
    // A notice without a reading makes the push read relBase, even if an earlier one carried a value.
    pending = pending && pending.observed == null ? pending : change;
    notices++;
  });
  /** Drops the notices handled by a round that pushes nothing, except one that came after `seen`. */
  function dropNotices(seen: number): void {
    if (notices !== seen && patched(NOTICE_DURING_READ_PATCH)) return;
    pending = undefined;
  }

  const roundsPerRun = input.roundsPerRun ?? PUSHES_PER_RUN;
  let rounds = 0;
  while (rounds < roundsPerRun && !workflowInfo().continueAsNewSuggested) {
    status.state = 'waiting';
    if (!(await condition(() => pending !== undefined, IDLE_TIMEOUT))) return status;
    rounds++;

    const before = await db.loadStockTarget({ storeCode, sku });
    status.state = 'debouncing';
    await sleep(before.debounceMs);
    // Read again after the wait: the switch or the link may have changed meanwhile.
    const seen = notices;
    const target = await db.loadStockTarget({ storeCode, sku });
    if (!target.enabled) {
      dropNotices(seen);
      status.lastOutcome = 'stock sync off: nothing pushed';
      continue;
    }
    if (!target.link) {
      dropNotices(seen);
      status.lastOutcome = 'unlinked: the SKU has no active relBase product';
      continue;
    }
    const change = pending ?? {};
    pending = undefined;

    try {
      status.state = 'reading';
      const raw = change.observed ?? (await relbase.readRelbaseStock({ storeCode, relbaseProductId: target.link.relbaseProductId }));
      status.lastRead = raw;
      const quantity = stockForShop(raw);
      if (quantity === target.lastPushed) {
        status.skipped++;
        status.lastPushed = quantity;
        status.lastOutcome = `unchanged (${quantity}): nothing pushed`;
        continue;
      }
      status.state = 'pushing';
      const firstPush = target.lastPushed === null;
      const outcome = patched(SINGLE_CALL_PUSH_PATCH)
        ? await pushToShop(target.link, quantity, firstPush)
        : await legacy.pushStockToShop({ storeCode, sku, jsProductId: target.link.jsProductId, jsVariantId: target.link.jsVariantId, quantity, firstPush });
      status.lastPushed = quantity;
      if (outcome === 'pushed') status.pushes++;
      else status.skipped++;
      status.lastOutcome = outcome === 'pushed' ? `pushed ${quantity}` : `the shop already shows ${quantity}: recorded, nothing pushed`;
    } catch (err) {
      // A refusal retrying cannot fix (variant deleted in Jumpseller, no warehouse configured) is
      // shown and waited out: the next notice tries again once someone has fixed it.
      const refusal = permanentFailureOf(err);
      if (!refusal) throw err;
      status.lastOutcome = `not pushed: ${refusal.message}`;
    }
  }
  await condition(allHandlersFinished);
  return continueAsNew<typeof stockPushWorkflow>({ storeCode, sku, carried: pending ?? null, ...(input.roundsPerRun !== undefined ? { roundsPerRun: input.roundsPerRun } : {}) });
}
