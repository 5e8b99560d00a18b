/**
 * Stock push, one workflow per store and SKU (`stock:{store}:{sku}`): collects `stockChanged`
 * notices, waits out the store's debounce window so a burst becomes one push, reads relBase's stock
 * (unless the notice carried a fresh reading), shows it as the shop must (whole units, negatives as
 * 0), and updates Jumpseller only when that differs from what was last pushed. Idle, it finishes; the
 * next notice starts it again. It continues as new before its history grows large.
 */
import { ActivityFailure, allHandlersFinished, ApplicationFailure, condition, continueAsNew, proxyActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import type { StockActivities } from '../../activities/stock-activities.js';
import { stockForShop } from '../../domain/stock.js';
import { databaseProfile, jumpsellerApiProfile, relbaseApiProfile } from '../activity-profiles.js';
import { stockChangedSignal, stockPushStatusQuery, type StockChange, type StockPushInput, type StockPushStatus } from './contracts.js';

/** With no notice for this long the workflow ends (a new notice starts a new run). */
const IDLE_TIMEOUT = '2 minutes';
/** Pushes per run before continuing as new: keeps each run's history short. */
const PUSHES_PER_RUN = 100;

export async function stockPushWorkflow(input: StockPushInput): Promise<StockPushStatus> {
  const { storeCode, sku } = input;
  const db = proxyActivities<StockActivities>(databaseProfile);
  const relbase = proxyActivities<StockActivities>(relbaseApiProfile(storeCode));
  const jumpseller = proxyActivities<StockActivities>(jumpsellerApiProfile(storeCode));

  const status: StockPushStatus = { storeCode, sku, state: 'waiting', lastOutcome: null, lastRead: null, lastPushed: null, pushes: 0, skipped: 0 };
  let pending: StockChange | undefined = input.carried ?? undefined;
  setHandler(stockPushStatusQuery, () => status);
  setHandler(stockChangedSignal, (change) => {
    // A notice without a reading makes the push read relBase, even if an earlier one carried a value.
    pending = pending && pending.observed == null ? pending : change;
  });

  let rounds = 0;
  while (rounds < PUSHES_PER_RUN && !workflowInfo().continueAsNewSuggested) {
    status.state = 'waiting';
    if (!(await condition(() => pending !== undefined, IDLE_TIMEOUT))) return status;
    rounds++;

    const before = await db.loadStockTarget({ storeCode, sku });
    status.state = 'debouncing';
    await sleep(before.debounceMs);
    // Read again after the wait: the switch or the link may have changed meanwhile.
    const target = await db.loadStockTarget({ storeCode, sku });
    if (!target.enabled) {
      pending = undefined;
      status.lastOutcome = 'stock sync off: nothing pushed';
      continue;
    }
    if (!target.link) {
      pending = undefined;
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
      const outcome = await jumpseller.pushStockToShop({
        storeCode,
        sku,
        jsProductId: target.link.jsProductId,
        jsVariantId: target.link.jsVariantId,
        quantity,
        firstPush: target.lastPushed === null,
      });
      status.lastPushed = quantity;
      if (outcome === 'pushed') status.pushes++;
      else status.skipped++;
      status.lastOutcome = outcome === 'pushed' ? `pushed ${quantity}` : `the shop already shows ${quantity}: recorded, nothing pushed`;
    } catch (err) {
      // A refusal retrying cannot fix (variant deleted in Jumpseller, no warehouse configured) is
      // shown and waited out: the next notice tries again once someone has fixed it.
      if (!(err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.nonRetryable)) throw err;
      status.lastOutcome = `not pushed: ${err.cause.message}`;
    }
  }
  await condition(allHandlersFinished);
  return continueAsNew<typeof stockPushWorkflow>({ storeCode, sku, carried: pending ?? null });
}
