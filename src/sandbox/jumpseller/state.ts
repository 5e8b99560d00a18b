/**
 * Everything one simulated Jumpseller store holds. Products, variants, orders and hooks are kept in
 * wire shape (snake_case), so serialising them is a copy plus computed fields (image URLs).
 */
import { randomBytes } from 'node:crypto';
import { noFaults } from '../faults.js';
import type { FaultCounters, Faults } from '../faults.js';

export interface SimStoreInfo {
  code: string;
  name: string;
  currency: string;
  country: string;
  timezone: string;
  email: string;
  url: string;
  hooks_token: string;
}

export interface SimImage {
  id: number;
  position: number;
}

export interface SimVariantOption {
  name: string;
  option_type: 'option' | 'color';
  value: string;
}

export interface SimVariant {
  id: number;
  sku: string | null;
  barcode: string | null;
  price: number;
  stock: number;
  stock_unlimited: boolean;
  options: SimVariantOption[];
  image: SimImage | null;
}

export interface SimProduct {
  id: number;
  name: string;
  description: string;
  sku: string | null;
  barcode: string | null;
  price: number;
  stock: number;
  stock_unlimited: boolean;
  status: 'available' | 'not-available' | 'disabled';
  permalink: string;
  created_at: string;
  updated_at: string;
  variants: SimVariant[];
  images: SimImage[];
  /** `physical`, `digital` or `gift_card` (jumpseller-api.md §2); physical when not set. */
  type?: SimProductType;
  /** No IVA on it: its order lines' `taxes` is empty, and so is its own (see wire.ts productJson). */
  exempt?: boolean;
}

export type SimProductType = 'physical' | 'digital' | 'gift_card';

export interface SimOrderLine {
  id: number;
  variant_id: number | null;
  sku: string | null;
  name: string;
  qty: number;
  price: number;
  discount: number;
  tax: number;
  weight: number;
  image: string | null;
  type: SimProductType;
  taxes: { id: number; name: string; rate: number; fixed: boolean; tax_on_product_price: boolean }[];
  stock_locations: never[];
  files: never[];
}

export type SimOrderStatusEnum = 'pending_payment' | 'paid' | 'canceled' | 'abandoned';

export interface SimOrder {
  id: number;
  created_at: string;
  completed_at: string | null;
  status: string;
  status_name: string;
  status_enum: SimOrderStatusEnum;
  shipment_status: string;
  shipment_status_enum: string;
  fulfillment_status: string;
  currency: string;
  subtotal: number;
  tax: number;
  shipping: number;
  shipping_tax: number;
  discount: number;
  shipping_discount: number;
  gift_cards_discount: number;
  total: number;
  shipping_method_name: string;
  payment_method_name: string;
  coupons: { code: string; discount: number }[];
  promotions: { name: string; discount: number }[];
  customer: { id: number; email: string; fullname: string; phone: string; phone_prefix: string };
  billing_address: Record<string, string | null>;
  shipping_address: Record<string, string | null>;
  billing_information: { business_activity: string | null; company_name: string | null; taxpayer_type: string | null };
  additional_fields: { id: number | null; label: string; value: string | null; area: string }[];
  products: SimOrderLine[];
}

export interface SimHook {
  id: number;
  name: string | null;
  event: string;
  url: string;
  created_at: string;
}

export interface SimCheckoutCustomField {
  id: number;
  label: string;
  type: string;
  area: string;
  required: boolean;
  position: number;
  deletable: boolean;
  custom_field_select_options: string[];
}

export interface SimOAuthState {
  clientId: string;
  clientSecret: string;
  codes: Map<string, { redirectUri: string; scope: string; expiresAt: number }>;
  accessTokens: Map<string, { expiresAt: number; scope: string }>;
  refreshTokens: Map<string, { scope: string; revoked: boolean }>;
  /**
   * Fault: a refresh revokes the refresh token it used (strict rotation, which Jumpseller may or may
   * not do; the docs are silent). A client that loses the new one can never refresh again.
   */
  revokeUsedRefreshTokens: boolean;
  /**
   * Fault: the API answers 401 to every access token, valid or not (an app whose scope was withdrawn,
   * an outage of the token check), while the token endpoint keeps issuing new ones.
   */
  rejectAllAccessTokens: boolean;
}

export interface SimRateLimit {
  perSecond: number;
  perMinute: number;
  /** Arrival times of counted requests over the last minute. */
  counted: number[];
  /** Answer the next N requests with the older API's throttling answer: 403 with Remaining 0. */
  legacy403Next: number;
  /** A temporary ban (what 2000 throttled requests earn): every request answers 429 until then. */
  bannedUntil: number;
}

export interface SimRequestStats {
  byRoute: Record<string, number>;
  total: number;
  throttled: number;
  writes: number;
  peakPerSecond: number;
  /** Arrivals in the last second, for the peak. */
  recent: number[];
}

export interface SimIds {
  product: number;
  variant: number;
  image: number;
  order: number;
  customer: number;
  hook: number;
  checkoutCustomField: number;
}

export interface SimState {
  store: SimStoreInfo;
  credentials: { login: string; authToken: string };
  oauth: SimOAuthState;
  products: Map<number, SimProduct>;
  orders: Map<number, SimOrder>;
  hooks: Map<number, SimHook>;
  checkoutCustomFields: Map<number, SimCheckoutCustomField>;
  ids: SimIds;
  faults: Faults;
  counters: FaultCounters;
  rateLimit: SimRateLimit;
  stats: SimRequestStats;
  /** Added to Date.now(): lets tests expire access tokens without waiting an hour. */
  clockOffsetMs: number;
  /** Where the simulator is reachable, for image URLs. */
  publicUrl: string;
}

export interface SimIdentity {
  storeCode: string;
  storeName: string;
  login: string;
  authToken: string;
  hooksToken: string;
  clientId: string;
  clientSecret: string;
  perSecond: number;
  perMinute: number;
  publicUrl: string;
}

export function randomSecret(bytes = 16): string {
  return randomBytes(bytes).toString('hex');
}

export function freshIds(): SimIds {
  return { product: 1000, variant: 5000, image: 9000, order: 10000, customer: 700, hook: 0, checkoutCustomField: 0 };
}

export function emptyStats(): SimRequestStats {
  return { byRoute: {}, total: 0, throttled: 0, writes: 0, peakPerSecond: 0, recent: [] };
}

export function createSimState(id: SimIdentity): SimState {
  return {
    store: {
      code: id.storeCode,
      name: id.storeName,
      currency: 'CLP',
      country: 'CL',
      timezone: 'America/Santiago',
      email: `contacto@${id.storeCode}.example`,
      url: `https://${id.storeCode}.jumpseller.com`,
      hooks_token: id.hooksToken,
    },
    credentials: { login: id.login, authToken: id.authToken },
    oauth: {
      clientId: id.clientId,
      clientSecret: id.clientSecret,
      codes: new Map(),
      accessTokens: new Map(),
      refreshTokens: new Map(),
      revokeUsedRefreshTokens: false,
      rejectAllAccessTokens: false,
    },
    products: new Map(),
    orders: new Map(),
    hooks: new Map(),
    checkoutCustomFields: new Map(),
    ids: freshIds(),
    faults: noFaults(),
    counters: { injectedErrors: 0, injectedThrottles: 0, committedThenFailed: 0 },
    rateLimit: { perSecond: id.perSecond, perMinute: id.perMinute, counted: [], legacy403Next: 0, bannedUntil: 0 },
    stats: emptyStats(),
    clockOffsetMs: 0,
    publicUrl: id.publicUrl,
  };
}

export function simNow(state: SimState): number {
  return Date.now() + state.clockOffsetMs;
}

/** Jumpseller's date format: `2023-02-10 13:56:35 UTC`. */
export function jumpsellerDate(epochMs: number): string {
  return new Date(epochMs)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, ' UTC');
}

/** The `Jumpseller-Triggered-At` format: `2025-01-01 10:18:51.829 UTC`. */
export function triggeredAtDate(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('T', ' ').replace('Z', ' UTC');
}
