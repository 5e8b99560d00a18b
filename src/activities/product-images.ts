/**
 * Downloading a product image from Jumpseller's CDN before uploading it to relBase. The URL comes from
 * the store's catalog, so it is fetched through the outbound guard (http/guarded-get.ts): only from
 * the allowed image hosts (IMAGE_HOSTS, Jumpseller's CDN by default), never to a loopback, private or
 * link-local address (checked after DNS, on every redirect hop), bounded in size and time, and checked
 * for an image content type, so a huge file, an HTML error page or an internal service never reaches
 * relBase. A refusal that retrying cannot fix (refused URL, 404, not an image, too large) is
 * permanent; network errors and 5xx are retried by Temporal.
 */
import { permanentFailure } from './failures.js';
import { guardedGet, OutboundRefusedError, type GuardedGetOptions, type OutboundPolicy } from '../http/guarded-get.js';
import { ResponseTooLargeError } from '../http/response-body.js';
import { JUMPSELLER_IMAGE_HOSTS } from '../jumpseller/image-hosts.js';
import type { ProductImage } from '../relbase/client.js';

export const IMAGE_FAILURE = 'image.unusable';

export interface ImageDownloadOptions {
  /** Where images may come from; default: Jumpseller's image CDN hosts, no private addresses. */
  policy?: OutboundPolicy;
  /** Default 5 MB: far above a product photo, far below what would strain a worker. */
  maxBytes?: number;
  /** Default 20 s for the whole download, redirects included. */
  timeoutMs?: number;
  /** Name resolution, for tests. */
  lookup?: GuardedGetOptions['lookup'];
}

/** Jumpseller's image CDN and nothing private: what production uses unless IMAGE_HOSTS says otherwise. */
export const DEFAULT_IMAGE_POLICY: OutboundPolicy = { allowedHosts: JUMPSELLER_IMAGE_HOSTS };

const EXTENSIONS: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/gif': 'gif', 'image/webp': 'webp' };

export async function downloadImage(url: string, o: ImageDownloadOptions = {}): Promise<ProductImage> {
  const maxBytes = o.maxBytes ?? 5 * 1024 * 1024;
  let res;
  try {
    res = await guardedGet(url, {
      policy: o.policy ?? DEFAULT_IMAGE_POLICY,
      maxBytes,
      timeoutMs: o.timeoutMs ?? 20_000,
      headers: { accept: 'image/*' },
      ...(o.lookup ? { lookup: o.lookup } : {}),
    });
  } catch (err) {
    if (err instanceof OutboundRefusedError) throw permanentFailure(`image URL refused: ${err.message}`, IMAGE_FAILURE);
    if (err instanceof ResponseTooLargeError) throw permanentFailure(`image is more than the ${maxBytes} bytes allowed`, IMAGE_FAILURE);
    throw err; // network, DNS, timeout: Temporal retries
  }
  if (res.status < 200 || res.status >= 300) {
    const message = `image download answered ${res.status}`;
    // 408/429/5xx may pass; any other 4xx (gone, forbidden) will not.
    if (res.status >= 500 || res.status === 408 || res.status === 429) throw new Error(message);
    throw permanentFailure(message, IMAGE_FAILURE);
  }
  const contentType = (res.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (!contentType.startsWith('image/')) throw permanentFailure(`image download is ${contentType || 'of no content type'}, not an image`, IMAGE_FAILURE);
  if (res.body.byteLength === 0) throw permanentFailure('image download is empty', IMAGE_FAILURE);
  const base = (new URL(res.url).pathname.split('/').pop() ?? '').replace(/[^\w.-]+/g, '_') || 'image';
  const filename = /\.\w{2,5}$/.test(base) ? base : `${base}.${EXTENSIONS[contentType] ?? 'img'}`;
  return { bytes: res.body, filename, contentType };
}
