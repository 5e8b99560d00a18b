/**
 * The install steps as activities (src/workflows/install/workflow.ts): the Jumpseller ones each make
 * one call on the store's Jumpseller queue; the database ones read the store, save the checkout
 * fields' ids and create or update the store's schedules through the Temporal client.
 */
import { activityInfo } from '@temporalio/activity';
import { sql } from 'kysely';
import { findStore } from '../db/stores-repository.js';
import { normalizeForMatching } from '../domain/text.js';
import { CHECKOUT_FIELDS, SHIPPING_PRODUCT_NAME } from '../install/install-plan.js';
import { ensureStoreSchedules, type StoreSchedulesOutcome } from '../install/store-schedules.js';
import { readSettings } from '../stores/settings.js';
import { CATALOG_REPORT_KIND } from '../workflows/catalog/contracts.js';
import { requireStore, type ActivityDeps } from './deps.js';
import { classifyFailures, FAILURE_TYPES, permanentFailure } from './failures.js';

export type CheckoutFieldKey = (typeof CHECKOUT_FIELDS)[number]['key'];

/** What the install decides from: the store's settings and whether relBase and a catalog sync are there. */
export interface InstallContext {
  shippingProductCode: string;
  shippingProductName: string;
  /** False for an installed store whose relBase tokens are not set yet. */
  relbaseConnected: boolean;
  /** A catalog sync has run for this store before (it left a report). */
  catalogSyncRan: boolean;
  /** Some of the store's SKUs are linked to relBase products already (a store that was running before). */
  productsLinked: boolean;
}

export function createInstallActivities(deps: ActivityDeps) {
  return {
    /** The store as the install needs it; a store that is unknown or not active fails for good. */
    async loadInstallContext(input: { storeCode: string }): Promise<InstallContext> {
      const store = await requireStore(deps, input.storeCode);
      const report = await deps.db
        .selectFrom('sync_reports')
        .select('id')
        .where('store_code', '=', input.storeCode)
        .where('kind', '=', CATALOG_REPORT_KIND)
        .limit(1)
        .executeTakeFirst();
      const link = await deps.db.selectFrom('product_links').select('sku').where('store_code', '=', input.storeCode).limit(1).executeTakeFirst();
      return {
        productsLinked: link !== undefined,
        shippingProductCode: store.settings.shippingProductCode,
        shippingProductName: SHIPPING_PRODUCT_NAME,
        relbaseConnected: store.relbaseConnected,
        catalogSyncRan: report !== undefined,
      };
    },

    /**
     * Creates one webhook (one call). A retry first looks (one call): the attempt before may have
     * made it before its answer was lost, and a second hook would deliver every event twice.
     */
    async createStoreHook(input: { storeCode: string; event: string; hookUrl: string }): Promise<void> {
      const store = await requireStore(deps, input.storeCode);
      if (activityInfo().attempt > 1) {
        const hooks = await classifyFailures(() => store.jumpseller.listHooks());
        if (hooks.some((h) => h.event === input.event && h.url === input.hookUrl)) return;
      }
      await classifyFailures(() => store.jumpseller.createHook({ event: input.event, url: input.hookUrl }));
    },

    /**
     * The store's checkout fields this service reads, matched by label (a merchant may have made them
     * by hand under a slightly different label): the ids found, and the fields to create.
     */
    async findCheckoutFields(input: { storeCode: string }): Promise<{ found: Partial<Record<CheckoutFieldKey, string>>; missing: CheckoutFieldKey[] }> {
      const store = await requireStore(deps, input.storeCode);
      const fields = await classifyFailures(() => store.jumpseller.listCheckoutCustomFields());
      const found: Partial<Record<CheckoutFieldKey, string>> = {};
      const missing: CheckoutFieldKey[] = [];
      for (const wanted of CHECKOUT_FIELDS) {
        const labels = wanted.matchLabels.map(normalizeForMatching);
        const field = fields.find((f) => labels.includes(normalizeForMatching(f.label)));
        if (field) found[wanted.key] = String(field.id);
        else missing.push(wanted.key);
      }
      return { found, missing };
    },

    /** Creates one checkout field (one call; a retry looks first); answers its id and label. */
    async createCheckoutField(input: { storeCode: string; key: CheckoutFieldKey }): Promise<{ id: string; label: string }> {
      const wanted = CHECKOUT_FIELDS.find((f) => f.key === input.key)!; // the key's type lists exactly these
      const store = await requireStore(deps, input.storeCode);
      if (activityInfo().attempt > 1) {
        // As for hooks: a second field would show twice at checkout.
        const labels = wanted.matchLabels.map(normalizeForMatching);
        const fields = await classifyFailures(() => store.jumpseller.listCheckoutCustomFields());
        const made = fields.find((f) => labels.includes(normalizeForMatching(f.label)));
        if (made) return { id: String(made.id), label: wanted.create.label };
      }
      const created = await classifyFailures(() => store.jumpseller.createCheckoutCustomField(wanted.create));
      return { id: String(created.id), label: wanted.create.label };
    },

    /** Saves the checkout fields' ids in the store's settings, leaving every other setting as it is now. */
    async saveCheckoutFieldIds(input: { storeCode: string; ids: Record<string, string> }): Promise<void> {
      await deps.db.transaction().execute(async (trx) => {
        const row = await trx.selectFrom('stores').select('settings').where('code', '=', input.storeCode).forUpdate().executeTakeFirst();
        if (!row) return;
        const settings = { ...row.settings, checkoutFieldIds: input.ids };
        await trx
          .updateTable('stores')
          .set({ settings: JSON.stringify(settings), updated_at: sql<Date>`now()` })
          .where('code', '=', input.storeCode)
          .execute();
      });
    },

    /** The store's stock and paid-order reconcile schedules, created or brought up to date with its settings. */
    async ensureStoreSchedules(input: { storeCode: string; taskQueue: string; hookUrl: string }): Promise<StoreSchedulesOutcome> {
      const row = await findStore(deps.db, input.storeCode);
      if (!row) throw permanentFailure(`store ${input.storeCode} is not configured`, FAILURE_TYPES.unknownStore);
      return ensureStoreSchedules(deps.temporal, { ...input, settings: readSettings(row.settings) });
    },
  };
}

export type InstallActivities = ReturnType<typeof createInstallActivities>;
