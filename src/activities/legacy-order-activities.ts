/**
 * The order activities of the workflow code before issuing became single-call steps. A run started
 * by that code and caught in the middle of one of these when the new code was deployed (an
 * `issueDocument` retrying through a relBase outage) still has it scheduled, and replaying such a run
 * schedules them again: they stay registered until no run started before that deploy is open (list
 * them with `WorkflowType="orderWorkflow" AND ExecutionStatus="Running" AND StartTime < "<deploy>"`).
 * New runs never call them.
 *
 * `issueDocument` keeps its contract (lookup by label, then create, in one activity) but now claims
 * the document's create guard before sending, so a later new-code attempt knows a create was sent.
 */
import { heartbeat } from '@temporalio/activity';
import { beginIssue, claimCreate, DocumentConflictError, prepareCreate, recordIssued } from '../db/documents-repository.js';
import { findActiveLinks } from '../db/product-links-repository.js';
import type { DocumentLineRequest } from '../relbase/document-request.js';
import type { StoreSettings } from '../stores/settings.js';
import { requireStore, type ActivityDeps } from './deps.js';
import { classifyFailures, FAILURE_TYPES, permanentFailure } from './failures.js';
import { chileDate, CREATE_CALL_TIMEOUT_MS, CREATE_CLAIM_WINDOW_MS, documentRequest, issuedOf } from './issuing-activities.js';

/** @deprecated only for runs started before single-call issuing. */
export interface OrderContext {
  settings: StoreSettings;
  /** sku → relBase product id, for the SKUs asked about that are linked. */
  links: Record<string, number>;
}

/** @deprecated only for runs started before single-call issuing. */
export interface IssueDocumentInput {
  storeCode: string;
  orderId: string;
  labelValue: string;
  typeDocument: 39 | 33 | 1001;
  typeDocumentSii: 39 | 33 | null;
  customerId: number | null;
  lines: DocumentLineRequest[];
  expectedTotal: number;
}

/** @deprecated only for runs started before single-call issuing. */
export interface IssuedDocument {
  relbaseId: string;
  folio: string | null;
  total: number | null;
  pdfUrl: string | null;
  /** True when the document already existed (a retry found it) rather than being created now. */
  alreadyExisted: boolean;
}

export function createLegacyOrderActivities(deps: ActivityDeps) {
  return {
    /** @deprecated Store settings and the relBase product of each SKU (database only). */
    async loadOrderContext(input: { storeCode: string; skus: string[] }): Promise<OrderContext> {
      const store = await requireStore(deps, input.storeCode);
      const links = await findActiveLinks(deps.db, input.storeCode, input.skus);
      return { settings: store.settings, links: Object.fromEntries(Object.entries(links).map(([sku, id]) => [sku, Number(id)])) };
    },

    /** @deprecated The relBase product id for a product code, or null when relBase has none. */
    async findRelbaseProductId(input: { storeCode: string; code: string }): Promise<number | null> {
      const store = await requireStore(deps, input.storeCode);
      return classifyFailures(async () => {
        const p = await store.relbase.findProductByCode(input.code);
        return p ? Number(p.id) : null;
      });
    },

    /** @deprecated The relBase customer for a factura's receiver: found by RUT, or created. */
    async ensureCustomer(input: { storeCode: string; receiver: { rut: string; razonSocial: string; giro: string }; address: string | null }): Promise<number> {
      const store = await requireStore(deps, input.storeCode);
      return classifyFailures(async () => {
        const found = await store.relbase.findCustomerByRut(input.receiver.rut);
        if (found) return Number(found.id);
        if (!input.address) {
          throw permanentFailure(`relBase has no customer with RUT ${input.receiver.rut} and the order has no billing address to create one`, FAILURE_TYPES.missingFiscalData);
        }
        const created = await store.relbase.createCustomer({
          rut: input.receiver.rut,
          name: input.receiver.razonSocial,
          business_activity: input.receiver.giro,
          address: input.address,
        });
        return Number(created.id);
      });
    },

    /** @deprecated Lookup by label, then create, in one activity; the create claims the guard first. */
    async issueDocument(input: IssueDocumentInput): Promise<IssuedDocument> {
      const store = await requireStore(deps, input.storeCode);
      const key = { storeCode: input.storeCode, label: input.labelValue };
      try {
        const intent = await beginIssue(deps.db, {
          storeCode: input.storeCode,
          orderId: input.orderId,
          label: input.labelValue,
          kind: 'document',
          typeDocument: input.typeDocument,
        });
        if (intent.issued) return { ...intent.issued, alreadyExisted: true };
        return await classifyFailures(async () => {
          heartbeat();
          const existing = await store.relbase.findDocumentsByLabel(input.labelValue);
          heartbeat();
          if (existing.length > 1) {
            throw permanentFailure(
              `relBase already holds ${existing.length} documents labelled ${input.labelValue} (ids ${existing.map((d) => d.id).join(', ')}); an operator must void the extra ones`,
              FAILURE_TYPES.documentConflict,
            );
          }
          if (existing[0]) {
            const found = issuedOf(existing[0]);
            await recordIssued(deps.db, { ...key, ...found });
            return { ...found, alreadyExisted: true };
          }
          const prepared = await prepareCreate(deps.db, { ...key, expectedCreatesSent: intent.createsSent, windowMs: CREATE_CLAIM_WINDOW_MS });
          if (!prepared) throw new Error(`another create of ${input.labelValue} was claimed meanwhile; looking again`);
          const created = await store.relbase.createDocument(documentRequest({ ...input, label: input.labelValue }, store.settings, chileDate(new Date())), {
            timeoutMs: CREATE_CALL_TIMEOUT_MS,
            beforeSend: async () => {
              const claim = await claimCreate(deps.db, { ...key, token: prepared.token, callTimeoutMs: CREATE_CALL_TIMEOUT_MS });
              if (!claim.claimed) throw new Error(`the create of ${input.labelValue} waited past its deadline; looking again`);
            },
          });
          const issued = issuedOf(created);
          await recordIssued(deps.db, { ...key, ...issued });
          return { ...issued, alreadyExisted: false };
        });
      } catch (err) {
        if (err instanceof DocumentConflictError) throw permanentFailure(err.message, FAILURE_TYPES.documentConflict);
        throw err;
      }
    },
  };
}
