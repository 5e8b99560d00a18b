/**
 * A test store as an install leaves it (one hook per event pointing at the stack, the four checkout
 * fields, the shipping product in relBase), made directly through the clients so a stack is ready
 * before any worker runs. The service itself installs with the install workflow
 * (src/workflows/install/workflow.ts), which test/integration/install-workflow.test.ts covers.
 */
import type { Db } from '../../src/db/database.js';
import { saveStoreSettings } from '../../src/db/stores-repository.js';
import { normalizeForMatching } from '../../src/domain/text.js';
import type { Logger } from '../../src/observability/logger.js';
import type { StoreContext } from '../../src/stores/registry.js';
import { CHECKOUT_FIELDS, missingHookEvents, SHIPPING_PRODUCT_NAME, webhookUrl } from '../../src/install/install-plan.js';

export interface InstallReport {
  hooksCreated: string[];
  fieldsCreated: string[];
  checkoutFieldIds: Record<string, string>;
  shippingProductCreated: boolean;
}

export async function seedInstalledStore(db: Db, store: StoreContext, publicUrl: string, logger: Logger): Promise<InstallReport> {
  const hookUrl = webhookUrl(publicUrl);
  const report: InstallReport = { hooksCreated: [], fieldsCreated: [], checkoutFieldIds: {}, shippingProductCreated: false };

  for (const event of missingHookEvents(await store.jumpseller.listHooks(), hookUrl)) {
    await store.jumpseller.createHook({ event, url: hookUrl });
    report.hooksCreated.push(event);
  }

  const fields = await store.jumpseller.listCheckoutCustomFields();
  for (const wanted of CHECKOUT_FIELDS) {
    const labels = wanted.matchLabels.map(normalizeForMatching);
    let field = fields.find((f) => labels.includes(normalizeForMatching(f.label)));
    if (!field) {
      field = await store.jumpseller.createCheckoutCustomField(wanted.create);
      report.fieldsCreated.push(wanted.create.label);
    }
    report.checkoutFieldIds[wanted.key] = String(field.id);
  }
  await saveStoreSettings(db, store.code, { ...store.settings, checkoutFieldIds: report.checkoutFieldIds });

  const code = store.settings.shippingProductCode;
  if (!(await store.relbase.findProductByCode(code))) {
    await store.relbase.createProduct({ name: SHIPPING_PRODUCT_NAME, code, price: 0 });
    report.shippingProductCreated = true;
  }
  logger.info({ store: store.code, ...report }, 'install steps done');
  return report;
}
