/**
 * Reading an answer's body with a size cap, for every outbound client: a server (hostile, broken or
 * impersonated) that sends gigabytes must cost us at most `maxBytes` of memory. A declared
 * Content-Length over the cap is refused before reading; otherwise bytes are counted as they arrive
 * and the stream is cancelled the moment the cap is passed (a server may omit or understate the length).
 */

/** Default cap for JSON API answers: far above a 100-item page of products with variants. */
export const MAX_API_RESPONSE_BYTES = 16 * 1024 * 1024;

export class ResponseTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`the answer is larger than the ${maxBytes} bytes allowed`);
    this.name = 'ResponseTooLargeError';
  }
}

export async function readBytesCapped(res: Response, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw new ResponseTooLargeError(maxBytes);
  }
  if (!res.body) return new Uint8Array(0);
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const chunk = await reader.read();
    if (chunk.done) break;
    total += chunk.value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new ResponseTooLargeError(maxBytes);
    }
    chunks.push(chunk.value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    bytes.set(c, offset);
    offset += c.byteLength;
  }
  return bytes;
}

/** The body as UTF-8 text (what `res.text()` gives), read with the cap. */
export async function readTextCapped(res: Response, maxBytes: number = MAX_API_RESPONSE_BYTES): Promise<string> {
  return new TextDecoder().decode(await readBytesCapped(res, maxBytes));
}
