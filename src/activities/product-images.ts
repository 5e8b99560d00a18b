/**
 * Downloading a product image from Jumpseller's CDN before uploading it to relBase: bounded in size
 * and time, and checked for an image content type, so a huge file or an HTML error page never
 * reaches relBase. A refusal that retrying cannot fix (404, not an image, too large) is permanent;
 * network errors and 5xx are retried by Temporal.
 */
import { permanentFailure } from './failures.js';
import type { ProductImage } from '../relbase/client.js';

export const IMAGE_FAILURE = 'image.unusable';

export interface ImageDownloadOptions {
  /** Default 5 MB: far above a product photo, far below what would strain a worker. */
  maxBytes?: number;
  /** Default 20 s for the whole download. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const EXTENSIONS: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/gif': 'gif', 'image/webp': 'webp' };

export async function downloadImage(url: string, o: ImageDownloadOptions = {}): Promise<ProductImage> {
  const maxBytes = o.maxBytes ?? 5 * 1024 * 1024;
  const doFetch = o.fetch ?? fetch;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw permanentFailure(`image URL is not a URL: ${url.slice(0, 200)}`, IMAGE_FAILURE);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw permanentFailure(`image URL is not http(s): ${parsed.protocol}`, IMAGE_FAILURE);
  const res = await doFetch(parsed, { signal: AbortSignal.timeout(o.timeoutMs ?? 20_000), redirect: 'follow' });
  if (!res.ok) {
    await res.body?.cancel().catch(() => undefined);
    const message = `image download answered ${res.status}`;
    // 408/429/5xx may pass; any other 4xx (gone, forbidden) will not.
    if (res.status >= 500 || res.status === 408 || res.status === 429) throw new Error(message);
    throw permanentFailure(message, IMAGE_FAILURE);
  }
  const contentType = (res.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (!contentType.startsWith('image/')) {
    await res.body?.cancel().catch(() => undefined);
    throw permanentFailure(`image download is ${contentType || 'of no content type'}, not an image`, IMAGE_FAILURE);
  }
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw permanentFailure(`image is ${declared} bytes, more than the ${maxBytes} allowed`, IMAGE_FAILURE);
  }
  // Count while reading: a server may omit or understate Content-Length.
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (res.body) {
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) break;
      const value: Uint8Array = chunk.value;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw permanentFailure(`image is more than the ${maxBytes} bytes allowed`, IMAGE_FAILURE);
      }
      chunks.push(value);
    }
  }
  if (total === 0) throw permanentFailure('image download is empty', IMAGE_FAILURE);
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    bytes.set(c, offset);
    offset += c.byteLength;
  }
  const base = (parsed.pathname.split('/').pop() ?? '').replace(/[^\w.-]+/g, '_') || 'image';
  const filename = /\.\w{2,5}$/.test(base) ? base : `${base}.${EXTENSIONS[contentType] ?? 'img'}`;
  return { bytes, filename, contentType };
}
