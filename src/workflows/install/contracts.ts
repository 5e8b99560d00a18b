/**
 * Installing on a store (`install:{store}`): its id, input, report and `state` query. Started by the
 * OAuth callback, by `POST /admin/stores/:code/install` (and `npm run ops -- install`), by setting a
 * store's relBase tokens, and at start-up in single-store mode. Every step looks before it creates,
 * so running it again changes nothing that is already there. Workflow-safe: no Node or I/O imports.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';

export { INSTALL_WORKFLOW_TYPE } from '../workflow-types.js';

export function installWorkflowId(storeCode: string): string {
  return `install:${storeCode}`;
}

export interface InstallInput {
  storeCode: string;
  /** Where Jumpseller must deliver the store's webhooks (`PUBLIC_URL/webhooks/jumpseller`). */
  hookUrl: string;
  /**
   * Start the store's first catalog sync when none has ever run and none of its products is linked
   * yet (a merchant's first install, not a store that ran before this workflow existed), so the
   * products relBase already has are linked and their stock flows without a manual step.
   */
  firstCatalogSync: boolean;
}

export interface InstallReport {
  hooksCreated: string[];
  fieldsCreated: string[];
  /** The checkout fields' ids by what they hold (documentType, rut, razonSocial, giro). */
  checkoutFieldIds: Record<string, string>;
  shippingProductCreated: boolean;
  /** The relBase steps not done and why (the store's relBase tokens are not set yet); null when done. */
  relbasePending: string | null;
  /** The store's stock and paid-order reconcile schedules. */
  schedules: { stockReconcile: 'created' | 'updated'; orderReconcile: 'created' | 'updated' };
  /**
   * The first catalog sync: started now, already running, not needed (one has run, or the store's
   * products are linked already), left for the run that setting the relBase tokens starts, or not
   * asked for.
   */
  catalogSync: 'started' | 'running' | 'already ran' | 'products already linked' | 'after relBase is connected' | 'not asked';
}

/** What the run is doing, for the Web UI and the admin API while it runs. */
export interface InstallProgress {
  step: string;
  report: Partial<InstallReport>;
}

export const installStateQuery = defineQuery<InstallProgress>('state');

/**
 * The store's relBase tokens were set: a run that read the store before does its relBase steps
 * (again) with them. Sent with signal-with-start, so a finished run is followed by a new one.
 */
export interface RelbaseConnectedSignal {
  /** As InstallInput.firstCatalogSync: the run starts the first catalog sync if none has run. */
  firstCatalogSync: boolean;
}
export const relbaseConnectedSignal = defineSignal<[RelbaseConnectedSignal]>('relbaseConnected');
