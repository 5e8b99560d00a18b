/**
 * The relBase v1 client: one method per call of the project's relBase contract. Lookups walk every
 * page of relBase's fuzzy or substring searches and keep only exact matches, because a near match
 * (SKU `A1` for `A10`, order `JS-1` for `JS-10`) would put the wrong product or order on a tax document.
 */
import { ApiError } from '../http/api-errors.js';
import { createRateLimiter, type RateLimiter, type RateWindow } from '../http/rate-limiter.js';
import type { DocumentRequest, RelbaseDocumentType } from './document-request.js';
import { samePlaceName, sameProductCode, sameRut } from './matching.js';
import {
  customerSchema,
  documentSchema,
  envelopeSchema,
  listEnvelopeSchema,
  placeSchema,
  productSchema,
  stockEntrySchema,
  unpagedListEnvelopeSchema,
  warehouseSchema,
} from './schemas.js';
import type { Customer, Document, PageMeta, Place, Product, Warehouse } from './schemas.js';
import { createRelbaseTransport } from './transport.js';
import type { RelbaseRequestEvent } from './transport.js';

export interface RelbaseClientOptions {
  /** e.g. `https://api.relbase.cl/api/v1` */
  baseUrl: string;
  userToken: string;
  companyToken: string;
  /** Per attempt; default 15 s. */
  timeoutMs?: number;
  /** Share one limiter between every client of the same relBase account; default about 7/s. */
  limiter?: RateLimiter;
  fetch?: typeof fetch;
  /** Called after every HTTP attempt (including throttled ones), e.g. to count calls. */
  onRequest?: (event: RelbaseRequestEvent) => void;
  /** How many times a 403 is retried as throttling before it is believed; default 5. */
  throttleRetries?: number;
  /** First backoff after a 403, doubled on each retry; default 250 ms. */
  throttleBackoffMs?: number;
}

export interface CreateProductInput {
  name: string;
  code: string;
  price: number;
  description?: string;
  barcode?: string;
  /** relBase's `tax_affected`: false creates an exempt product (no IVA); default true. */
  taxAffected?: boolean;
}

export type UpdateProductInput = Partial<Omit<CreateProductInput, 'taxAffected'>> & { is_inventory?: boolean; tax_affected?: boolean };

export interface ProductImage {
  bytes: Uint8Array;
  filename: string;
  /** e.g. `image/jpeg`; relBase rejects anything that is not an image. */
  contentType: string;
}

export interface WarehouseStock {
  warehouseId: number;
  /** May be fractional or negative. */
  currentStock: number;
}

export interface CreateCustomerInput {
  rut: string;
  name: string;
  /** The giro. */
  business_activity: string;
  address: string;
  commune_id?: number;
  city_id?: number;
  email?: string;
}

export interface ProductPage {
  products: Product[];
  /** null on the last page. */
  nextPage: number | null;
}

/** One page of a lookup, with the exact matches on it; the caller walks the pages. */
export interface MatchPage<T> {
  matches: T[];
  /** null on the last page. */
  nextPage: number | null;
}

/**
 * How one call is made. The single-call steps of the order workflow make one HTTP attempt per
 * activity, so that every attempt is visible in the run's history and Temporal's retry policy
 * (not a loop in here) decides what happens after a throttling answer.
 */
export interface CallOptions {
  /** One HTTP attempt; a throttling answer (403/429) is thrown at once. */
  singleAttempt?: boolean;
  /**
   * Runs once the rate limiter lets the request go, right before it is sent; throwing sends nothing.
   * Document creation claims its right to send here (see activities/issuing-activities.ts).
   */
  beforeSend?: () => Promise<void>;
  /** This call's timeout instead of the client's. */
  timeoutMs?: number;
}

/** The relBase calls this project makes. Every failure is an `ApiError` with api 'relbase'. */
export interface RelbaseClient {
  searchProducts(query: string, page?: number, options?: CallOptions): Promise<ProductPage>;
  /** The one product whose `code` is exactly `code`, or null; two such products is a validation error. */
  findProductByCode(code: string): Promise<Product | null>;
  getProduct(id: number): Promise<Product>;
  createProduct(input: CreateProductInput): Promise<Product>;
  updateProduct(id: number, fields: UpdateProductInput): Promise<Product>;
  uploadProductImage(id: number, image: ProductImage): Promise<Product>;
  getStockByWarehouse(productId: number): Promise<WarehouseStock[]>;
  listWarehouses(): Promise<Warehouse[]>;
  findCustomerByRut(rut: string): Promise<Customer | null>;
  /** One page of the customer search for a RUT, with the customers whose RUT is exactly it. */
  findCustomersByRutPage(rut: string, page: number, options?: CallOptions): Promise<MatchPage<Customer>>;
  createCustomer(input: CreateCustomerInput, options?: CallOptions): Promise<Customer>;
  /** One page of relBase's cities (`GET /ciudades`), with those named `name` (accents, case and spacing ignored). */
  findCitiesPage(name: string, page: number, options?: CallOptions): Promise<MatchPage<Place>>;
  /** One page of a city's comunas (`GET /comunas?city_id=`), with those named `name`. */
  findCommunesPage(cityId: number, name: string, page: number, options?: CallOptions): Promise<MatchPage<Place>>;
  createDocument(body: DocumentRequest, options?: CallOptions): Promise<Document>;
  /** Every document whose `label_value` is exactly `labelValue` (oldest and newest alike). */
  findDocumentsByLabel(labelValue: string, typeDocument?: RelbaseDocumentType): Promise<Document[]>;
  /** One page of the document search for a label, with the documents whose `label_value` is exactly it. */
  findDocumentsByLabelPage(labelValue: string, page: number, options?: CallOptions): Promise<MatchPage<Document>>;
  getDocument(id: number): Promise<Document>;
}

/**
 * relBase's documented limit is about 7 requests per second per account, judged when requests
 * arrive, and a refused request counts too. Besides 7 per second, calls leave at least 150 ms apart,
 * as relBase's known integrations pace them (`RATE_LIMIT_DELAY = 150 ms`): seven sent back to back
 * can arrive bunched into less than a second after network and server delays, and be refused. The
 * cost is 6.7 calls per second at most instead of 7.
 */
export const RELBASE_RATE_LIMITS: readonly RateWindow[] = [
  { limit: 7, ms: 1000 },
  { limit: 1, ms: 150 },
];

/** A guard against a server whose `next_page` never ends; far above any real catalogue. */
const MAX_PAGES = 1000;

const productEnvelope = envelopeSchema(productSchema);
const productList = listEnvelopeSchema('products', productSchema);
const customerList = listEnvelopeSchema('customers', customerSchema);
const documentList = listEnvelopeSchema('dtes', documentSchema);
const cityList = listEnvelopeSchema('cities', placeSchema);
const communeList = listEnvelopeSchema('communes', placeSchema);
const documentEnvelope = envelopeSchema(documentSchema);

export function createRelbaseClient(opts: RelbaseClientOptions): RelbaseClient {
  const request = createRelbaseTransport({
    baseUrl: opts.baseUrl,
    userToken: opts.userToken,
    companyToken: opts.companyToken,
    timeoutMs: opts.timeoutMs ?? 15_000,
    limiter: opts.limiter ?? createRateLimiter([...RELBASE_RATE_LIMITS]),
    fetch: opts.fetch ?? fetch,
    onRequest: opts.onRequest,
    throttleRetries: opts.throttleRetries ?? 5,
    throttleBackoffMs: opts.throttleBackoffMs ?? 250,
  });

  async function searchProducts(query: string, page = 1, options: CallOptions = {}): Promise<ProductPage> {
    const answer = await request({ method: 'GET', path: '/productos', query: { query, page }, schema: productList, ...options });
    return { products: answer.data.products, nextPage: nextPageOf(answer.meta) };
  }

  async function findCustomersByRutPage(rut: string, page: number, options: CallOptions = {}): Promise<MatchPage<Customer>> {
    // Queried without dots, as the SII writes it; the exact check ignores dots on both sides.
    const wanted = rut.replace(/[.\s]/g, '');
    const answer = await request({ method: 'GET', path: '/clientes', query: { query: wanted, page }, schema: customerList, ...options });
    return { matches: answer.data.customers.filter((c) => sameRut(c.rut, rut)), nextPage: nextPageOf(answer.meta) };
  }

  async function findDocumentsByLabelPage(labelValue: string, page: number, options: CallOptions & { typeDocument?: RelbaseDocumentType } = {}): Promise<MatchPage<Document>> {
    const { typeDocument, ...call } = options;
    const answer = await request({
      method: 'GET',
      path: '/dtes',
      query: { type_document: typeDocument, query: labelValue, page },
      schema: documentList,
      ...call,
    });
    return {
      matches: answer.data.dtes.filter((d) => d.label_value === labelValue && (typeDocument === undefined || d.type_document === typeDocument)),
      nextPage: nextPageOf(answer.meta),
    };
  }

  return {
    searchProducts,

    async findProductByCode(code) {
      const matches: Product[] = [];
      await walkPages(async (page) => {
        const { products, nextPage } = await searchProducts(code.trim(), page);
        matches.push(...products.filter((p) => sameProductCode(p.code, code)));
        return nextPage;
      });
      if (matches.length > 1) {
        const ids = matches.map((p) => p.id).join(', ');
        throw new ApiError('relbase', 'validation', `product code "${code.trim()}" is shared by relBase products ${ids}`);
      }
      return matches[0] ?? null;
    },

    async getProduct(id) {
      const answer = await request({ method: 'GET', path: `/productos/${id}`, schema: productEnvelope });
      return answer.data;
    },

    async createProduct(input) {
      const { taxAffected, ...fields } = input;
      const json = { ...fields, is_inventory: true, tax_affected: taxAffected ?? true };
      const answer = await request({ method: 'POST', path: '/productos', json, schema: productEnvelope });
      return answer.data;
    },

    async updateProduct(id, fields) {
      const answer = await request({ method: 'PUT', path: `/productos/${id}`, json: fields, schema: productEnvelope });
      return answer.data;
    },

    async uploadProductImage(id, image) {
      const form = new FormData();
      form.append('image', new Blob([image.bytes], { type: image.contentType }), image.filename);
      const answer = await request({ method: 'POST', path: `/productos/${id}/imagen`, form, schema: productEnvelope });
      return answer.data;
    },

    async getStockByWarehouse(productId) {
      const answer = await request({
        method: 'GET',
        path: `/productos/${productId}/stock_por_bodegas`,
        schema: unpagedListEnvelopeSchema('stocks', stockEntrySchema),
      });
      return answer.data.stocks.map((s) => ({ warehouseId: s.ware_house_id, currentStock: s.current_stock }));
    },

    async listWarehouses() {
      const answer = await request({
        method: 'GET',
        path: '/bodegas',
        schema: unpagedListEnvelopeSchema('warehouses', warehouseSchema),
      });
      return answer.data.warehouses;
    },

    async findCustomerByRut(rut) {
      const matches: Customer[] = [];
      await walkPages(async (page) => {
        const found = await findCustomersByRutPage(rut, page);
        matches.push(...found.matches);
        return found.nextPage;
      });
      // Several records for one RUT happen (typed twice by hand); the oldest is the one in use.
      return matches.sort((a, b) => a.id - b.id)[0] ?? null;
    },

    findCustomersByRutPage,

    async createCustomer(input, options = {}) {
      const answer = await request({ method: 'POST', path: '/clientes', json: input, schema: envelopeSchema(customerSchema), ...options });
      return answer.data;
    },

    async findCitiesPage(name, page, options = {}) {
      const answer = await request({ method: 'GET', path: '/ciudades', query: { page }, schema: cityList, ...options });
      return { matches: answer.data.cities.filter((c) => samePlaceName(c.name, name)), nextPage: nextPageOf(answer.meta) };
    },

    async findCommunesPage(cityId, name, page, options = {}) {
      const answer = await request({ method: 'GET', path: '/comunas', query: { city_id: cityId, page }, schema: communeList, ...options });
      return { matches: answer.data.communes.filter((c) => samePlaceName(c.name, name)), nextPage: nextPageOf(answer.meta) };
    },

    async createDocument(body, options = {}) {
      const answer = await request({ method: 'POST', path: '/dtes', json: body, schema: documentEnvelope, ...options });
      return answer.data;
    },

    async findDocumentsByLabel(labelValue, typeDocument) {
      const matches: Document[] = [];
      await walkPages(async (page) => {
        const found = await findDocumentsByLabelPage(labelValue, page, typeDocument === undefined ? {} : { typeDocument });
        matches.push(...found.matches);
        return found.nextPage;
      });
      return matches;
    },

    findDocumentsByLabelPage: (labelValue, page, options) => findDocumentsByLabelPage(labelValue, page, options),

    async getDocument(id) {
      const answer = await request({ method: 'GET', path: `/dtes/${id}`, schema: documentEnvelope });
      return answer.data;
    },
  };
}

/** relBase's `next_page`, trusted only when it moves forward and stays within `total_pages`. */
function nextPageOf(meta: PageMeta): number | null {
  const next = meta.next_page;
  if (next === null || next <= meta.current_page || next > meta.total_pages) return null;
  return next;
}

async function walkPages(visit: (page: number) => Promise<number | null>): Promise<void> {
  let page: number | null = 1;
  for (let visited = 0; page !== null && visited < MAX_PAGES; visited++) page = await visit(page);
}
