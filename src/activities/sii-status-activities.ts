/**
 * The SII's answer to an issued document as relBase shows it: one `GET /dtes/{id}` per activity, on
 * the store's relBase queue. The workflow decides what the status means (domain/sii-status.ts).
 */
import { requireStore, type ActivityDeps } from './deps.js';
import { classifyFailures, RELBASE_403_ATTEMPTS_SINGLE_CALL } from './failures.js';

export interface SiiStatusRead {
  /** relBase's `sii_status`, e.g. 'sent_sii', 'accepted'; null when relBase gives none. */
  siiStatus: string | null;
  /** relBase's `sii_status_name`; ASSUMED to carry the SII's reason on a rejection. */
  statusName: string | null;
}

export function createSiiStatusActivities(deps: ActivityDeps) {
  return {
    async readSiiStatus(input: { storeCode: string; relbaseId: string }): Promise<SiiStatusRead> {
      const store = await requireStore(deps, input.storeCode);
      const d = await classifyFailures(() => store.relbase.getDocument(Number(input.relbaseId)), { relbase403Attempts: RELBASE_403_ATTEMPTS_SINGLE_CALL });
      return { siiStatus: d.sii_status, statusName: d.sii_status_name };
    },
  };
}
