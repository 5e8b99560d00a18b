import type { RateLimiter } from '../http/rate-limiter.js';
import type { JsCheckoutCustomField, JsHook, JsImage, JsOrder, JsOrderRef, JsOrderStatusEnum, JsProduct, JsStoreInfo, JsVariant } from './schemas.js';

/** Store credentials (HTTP Basic `login:authtoken`) or an OAuth app's access token. */
export type JumpsellerAuth =
  | { kind: 'basic'; login: string; authToken: string }
  | {
      kind: 'bearer';
      getAccessToken: () => Promise<string>;
      /**
       * Jumpseller answered 401 to this token: get a newer one (or throw to give up). The request is
       * then tried again with whatever `getAccessToken` gives, at most twice.
       */
      tokenRejected?: (token: string) => Promise<unknown>;
    };

/** What `onRequest` sees for every HTTP exchange; `status` is null when no answer came back. */
export interface JumpsellerRequestInfo {
  method: string;
  /** Path without query string, e.g. `/orders/12.json`. */
  path: string;
  status: number | null;
  ms: number;
}

export interface JumpsellerClientOptions {
  /** e.g. `https://api.jumpseller.com/v1` (no trailing slash needed). */
  baseUrl: string;
  auth: JumpsellerAuth;
  /** Per request, including reading the body. Default 10 s. */
  timeoutMs?: number;
  /** Largest answer read; a bigger one is a permanent `badResponse`. Default 16 MB. */
  maxResponseBytes?: number;
  /** Shared per store across clients of one process. Default 20/s and 800/min. */
  limiter?: RateLimiter;
  fetch?: typeof fetch;
  onRequest?: (info: JumpsellerRequestInfo) => void;
  /** How many times a throttled call is retried before a transient `throttled` error. Default 3. */
  maxThrottleRetries?: number;
  /** Pause after a 429 without a ban header. Default 1 s, as the docs' own stub does. */
  throttlePauseMs?: number;
  /** A ban longer than this is not waited out in-process: the caller gets `throttled` with `retryAfterMs`. Default 60 s. */
  maxThrottleWaitMs?: number;
  now?: () => number;
}

export interface PageQuery {
  /** Starts at 1. */
  page: number;
  /** At most 100. */
  limit: number;
}

export interface ListOrdersQuery extends PageQuery {
  status?: JsOrderStatusEnum;
}

/** Orders in one status whose creation date (in the store's timezone) falls in a range of days. */
export interface OrdersByDateQuery extends PageQuery {
  status: JsOrderStatusEnum;
  /** First and last day, `YYYY-MM-DD`, inclusive; the API reads them in the store's timezone. */
  initialDate: string;
  finalDate: string;
}

/** A page of orders read only for their identity: the rest of each order is not kept. */
export interface OrderRefsPage {
  orders: JsOrderRef[];
  /** Items on the page, readable or not: a page shorter than the limit is the last one. */
  received: number;
  /** Items without a readable id (counted, so a report can say so). */
  unreadable: number;
}

export interface CreateHookInput {
  event: string;
  url: string;
}

export interface CreateCheckoutCustomFieldInput {
  label: string;
  /** `input`, `selection`/`select`, `checkbox`, `date`, `text` (the docs disagree on `select`). */
  type: string;
  /** `contact`, `billing_shipping` or `other`. */
  area: string;
  required: boolean;
  position: number;
  custom_field_select_options?: string[];
}

/** The Jumpseller REST calls this service makes. Every failure is an `ApiError` with api 'jumpseller'. */
export interface JumpsellerClient {
  getOrder(id: number): Promise<JsOrder>;
  listOrders(query: ListOrdersQuery): Promise<JsOrder[]>;
  /**
   * One page of `GET /orders.json` filtered by status and creation date. Read leniently (id, dates,
   * status only): an order of an unexpected shape must not hide the others on its page.
   */
  listOrderRefsByDate(query: OrdersByDateQuery): Promise<OrderRefsPage>;
  listProducts(query: PageQuery): Promise<JsProduct[]>;
  getProduct(id: number): Promise<JsProduct>;
  countProducts(): Promise<number>;
  listVariants(productId: number): Promise<JsVariant[]>;
  getVariant(productId: number, variantId: number): Promise<JsVariant>;
  /** Sets a variant's stock (a non-negative integer) and turns off unlimited stock. */
  updateVariantStock(productId: number, variantId: number, stock: number): Promise<JsVariant>;
  /** Sets a simple product's stock; products with variants keep stock on each variant. */
  updateProductStock(productId: number, stock: number): Promise<JsProduct>;
  listProductImages(productId: number): Promise<JsImage[]>;
  listHooks(): Promise<JsHook[]>;
  createHook(input: CreateHookInput): Promise<JsHook>;
  /** Every page, gathered. */
  listCheckoutCustomFields(): Promise<JsCheckoutCustomField[]>;
  createCheckoutCustomField(input: CreateCheckoutCustomFieldInput): Promise<JsCheckoutCustomField>;
  getStoreInfo(): Promise<JsStoreInfo>;
}
