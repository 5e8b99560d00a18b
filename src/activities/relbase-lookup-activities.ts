/**
 * The relBase steps an order's document needs besides the document itself, each one HTTP call:
 * a page of the customer search by RUT, a customer create (one attempt, its outcome said rather than
 * thrown), a page of the product search by code (the shipping product). The workflow walks the pages.
 */
import { isApiError } from '../http/api-errors.js';
import type { Receiver } from '../domain/document-choice.js';
import { staleReceiverFields, type ReceiverField } from '../domain/receiver-on-record.js';
import { sameProductCode } from '../relbase/matching.js';
import { requireStore, type ActivityDeps } from './deps.js';
import { classifyFailures, RELBASE_403_ATTEMPTS_SINGLE_CALL } from './failures.js';

const singleCall = { relbase403Attempts: RELBASE_403_ATTEMPTS_SINGLE_CALL };

export type CustomerCreateOutcome =
  | { outcome: 'created'; customerId: number }
  | { outcome: 'refused'; throttled: boolean; message: string }
  | { outcome: 'unknown'; reason: string };

export function createRelbaseLookupActivities(deps: ActivityDeps) {
  return {
    /**
     * The ids of the customers with exactly this RUT on one page of relBase's customer search. Given
     * the factura's receiver, also which of them hold another razón social or giro (by id; the
     * values stay out of the run's history).
     */
    async findCustomerPage(input: {
      storeCode: string;
      rut: string;
      page: number;
      receiver?: { razonSocial: string; giro: string };
    }): Promise<{ customerIds: number[]; nextPage: number | null; staleFields?: Record<string, ReceiverField[]> }> {
      const store = await requireStore(deps, input.storeCode);
      return classifyFailures(async () => {
        const found = await store.relbase.findCustomersByRutPage(input.rut, input.page, { singleAttempt: true });
        const customerIds = found.matches.map((c) => Number(c.id));
        const receiver = input.receiver;
        if (!receiver) return { customerIds, nextPage: found.nextPage };
        const staleFields: Record<string, ReceiverField[]> = {};
        for (const c of found.matches) {
          const stale = staleReceiverFields({ name: c.name, giro: c.business_activity }, receiver);
          if (stale.length > 0) staleFields[String(c.id)] = stale;
        }
        return { customerIds, nextPage: found.nextPage, staleFields };
      }, singleCall);
    },

    /** The ids of relBase's cities with this name on one page of `GET /ciudades`. */
    async findCityPage(input: { storeCode: string; name: string; page: number }): Promise<{ ids: number[]; nextPage: number | null }> {
      const store = await requireStore(deps, input.storeCode);
      return classifyFailures(async () => {
        const found = await store.relbase.findCitiesPage(input.name, input.page, { singleAttempt: true });
        return { ids: found.matches.map((c) => c.id), nextPage: found.nextPage };
      }, singleCall);
    },

    /** The ids of a city's comunas with this name on one page of `GET /comunas?city_id=`. */
    async findCommunePage(input: { storeCode: string; cityId: number; name: string; page: number }): Promise<{ ids: number[]; nextPage: number | null }> {
      const store = await requireStore(deps, input.storeCode);
      return classifyFailures(async () => {
        const found = await store.relbase.findCommunesPage(input.cityId, input.name, input.page, { singleAttempt: true });
        return { ids: found.matches.map((c) => c.id), nextPage: found.nextPage };
      }, singleCall);
    },

    /**
     * Creates the factura's receiver in relBase with one attempt, with its comuna and city ids when
     * the workflow found them (the SII wants CmnaRecep on a factura); a lost answer is `unknown`.
     */
    async createCustomer(input: { storeCode: string; receiver: Receiver; address: string; communeId?: number; cityId?: number }): Promise<CustomerCreateOutcome> {
      const store = await requireStore(deps, input.storeCode);
      try {
        const created = await store.relbase.createCustomer(
          {
            rut: input.receiver.rut,
            name: input.receiver.razonSocial,
            business_activity: input.receiver.giro,
            address: input.address,
            ...(input.communeId === undefined ? {} : { commune_id: input.communeId }),
            ...(input.cityId === undefined ? {} : { city_id: input.cityId }),
          },
          { singleAttempt: true },
        );
        return { outcome: 'created', customerId: Number(created.id) };
      } catch (err) {
        if (isApiError(err) && err.status !== undefined && err.status >= 400 && err.status < 500) {
          return { outcome: 'refused', throttled: err.status === 403 || err.status === 429, message: err.message };
        }
        if (isApiError(err)) return { outcome: 'unknown', reason: err.message };
        throw err;
      }
    },

    /** The ids of the products whose code is exactly `code` on one page of relBase's product search. */
    async findProductCodePage(input: { storeCode: string; code: string; page: number }): Promise<{ productIds: number[]; nextPage: number | null }> {
      const store = await requireStore(deps, input.storeCode);
      return classifyFailures(async () => {
        const found = await store.relbase.searchProducts(input.code.trim(), input.page, { singleAttempt: true });
        return { productIds: found.products.filter((p) => sameProductCode(p.code, input.code)).map((p) => Number(p.id)), nextPage: found.nextPage };
      }, singleCall);
    },
  };
}
