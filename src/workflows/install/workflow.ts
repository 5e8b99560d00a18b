/**
 * Installing on a store (`install:{store}`): the webhooks this service listens to, the checkout
 * fields it reads, the shipping product in relBase, the store's stock and paid-order reconcile
 * schedules, and, on a first install, the first catalog sync (so products relBase already has are
 * linked and their stock flows with no manual step). Each API step is one call on the store's API
 * queue, behind a look at what is there: a second run creates nothing that exists.
 *
 * A store whose relBase tokens are not set yet gets its Jumpseller steps and schedules; the relBase
 * steps and the catalog sync wait for the run that setting the tokens starts.
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, setHandler, startChild, workflowInfo } from '@temporalio/workflow';
import { databaseActivities, jumpsellerActivities } from '../activity-proxies.js';
import { CATALOG_WORKFLOW_TYPE, catalogWorkflowId, type CatalogSyncInput } from '../catalog/contracts.js';
import { failureMessage, permanentFailureOf } from '../failures.js';
import { ensureRelbaseProductByCode } from '../product/sku-sync.js';
import { installStateQuery, relbaseConnectedSignal, type InstallInput, type InstallReport } from './contracts.js';

export async function installWorkflow(input: InstallInput): Promise<InstallReport> {
  const { storeCode, hookUrl } = input;
  const db = databaseActivities();
  const jumpseller = jumpsellerActivities(storeCode);
  const report: Partial<InstallReport> = {};
  let step = 'reading the store';
  setHandler(installStateQuery, () => ({ step, report }));

  let firstCatalogSync = input.firstCatalogSync;
  let tokensSet = 0;
  setHandler(relbaseConnectedSignal, (signal) => {
    tokensSet++;
    firstCatalogSync ||= signal.firstCatalogSync;
  });

  let context = await db.loadInstallContext({ storeCode });

  step = 'registering the webhooks';
  report.hooksCreated = [];
  for (const event of await jumpseller.findMissingHooks({ storeCode, hookUrl })) {
    await jumpseller.createStoreHook({ storeCode, event, hookUrl });
    report.hooksCreated.push(event);
  }

  step = 'creating the checkout fields';
  const fields = await jumpseller.findCheckoutFields({ storeCode });
  const ids: Record<string, string> = { ...fields.found };
  report.fieldsCreated = [];
  for (const key of fields.missing) {
    const created = await jumpseller.createCheckoutField({ storeCode, key });
    ids[key] = created.id;
    report.fieldsCreated.push(created.label);
  }
  await db.saveCheckoutFieldIds({ storeCode, ids });
  report.checkoutFieldIds = ids;

  step = 'creating the schedules';
  report.schedules = await db.ensureStoreSchedules({ storeCode, taskQueue: workflowInfo().taskQueue, hookUrl });

  // The relBase steps, again whenever the store's relBase tokens were set while this run went on
  // (it read the store before them): the operator who sets them is told the install finishes.
  report.shippingProductCreated = false;
  for (let seen = 0; ; ) {
    if (tokensSet > seen) context = await db.loadInstallContext({ storeCode });
    seen = tokensSet;
    await relbaseSteps();
    if (tokensSet === seen) break;
  }
  step = 'done';
  return report as InstallReport;

  async function relbaseSteps(): Promise<void> {
    report.relbasePending = null;
    if (!context.relbaseConnected) {
      report.relbasePending = `store ${storeCode} has no relBase tokens yet: set them (npm run ops -- relbase-credentials --store ${storeCode}) and the install finishes by itself`;
    } else {
      step = 'looking for the shipping product in relBase';
      try {
        const shipping = await ensureRelbaseProductByCode(storeCode, `${workflowInfo().workflowId}:${workflowInfo().runId}`, {
          code: context.shippingProductCode,
          name: context.shippingProductName,
          price: 0,
        });
        if (shipping.kind === 'conflict') {
          report.relbasePending = `relBase holds ${shipping.ids.length} products with code ${context.shippingProductCode} (ids ${shipping.ids.join(', ')}): merge them in relBase`;
        }
        report.shippingProductCreated ||= shipping.kind === 'created';
      } catch (err) {
        if (!permanentFailureOf(err)) throw err;
        report.relbasePending = `the shipping product ${context.shippingProductCode} could not be made in relBase: ${failureMessage(err)}`;
      }
    }

    report.catalogSync = 'not asked';
    if (firstCatalogSync) {
      if (context.catalogSyncRan) report.catalogSync = 'already ran';
      else if (context.productsLinked) report.catalogSync = 'products already linked';
      else if (!context.relbaseConnected) report.catalogSync = 'after relBase is connected';
      else {
        step = 'starting the first catalog sync';
        report.catalogSync = await startFirstCatalogSync(storeCode);
      }
    }
  }
}

/** The store's catalog sync, left running when this run ends; one already running is left alone. */
async function startFirstCatalogSync(storeCode: string): Promise<'started' | 'running'> {
  try {
    await startChild(CATALOG_WORKFLOW_TYPE, {
      workflowId: catalogWorkflowId(storeCode),
      args: [{ storeCode } satisfies CatalogSyncInput],
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
    return 'started';
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return 'running';
    throw err;
  }
}
