/**
 * `POST /webhooks/jumpseller`: verify, record, dispatch, answer, in that order and nothing more.
 *
 * - The signature is checked over the raw bytes before anything is parsed (401 when it fails).
 * - Every delivery that passes is stored raw before it is acted on; a repeat of a stored delivery is
 *   answered 200 without a second dispatch.
 * - When Temporal cannot be reached the delivery stays stored as `received` and the answer is 503, so
 *   Jumpseller retries; the redispatcher also starts it as soon as Temporal answers again.
 */
import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Db } from '../../db/database.js';
import { markDispatched, markDispatchFailed, recordDelivery } from '../../db/webhook-deliveries-repository.js';
import { verifyJumpsellerSignature, WebhookSignatureError } from '../../jumpseller/webhook-signature.js';
import { ORDER_EVENTS, PRODUCT_EVENTS, parseOrderWebhook, parseProductWebhook, WebhookPayloadError } from '../../jumpseller/webhook-payloads.js';
import type { Logger } from '../../observability/logger.js';
import type { Metrics } from '../../observability/metrics.js';
import type { StoreRegistry } from '../../stores/registry.js';
import { errorResponse, HttpError } from '../errors.js';
import type { Dispatcher } from './dispatch.js';

export interface WebhookDeps {
  db: Db;
  stores: Pick<StoreRegistry, 'hooksToken'>;
  dispatcher: Dispatcher;
  logger: Logger;
  metrics: Metrics;
  maxBodyBytes: number;
}

const KNOWN_EVENTS: ReadonlySet<string> = new Set([...ORDER_EVENTS, ...PRODUCT_EVENTS]);
const ORDER_EVENT_SET: ReadonlySet<string> = new Set(ORDER_EVENTS);
const KEPT_HEADERS = ['jumpseller-event', 'jumpseller-store-code', 'jumpseller-triggered-at', 'jumpseller-hmac-sha256', 'content-type', 'user-agent'];

export function webhookRoutes(deps: WebhookDeps): Hono {
  const app = new Hono();
  app.post(
    '/webhooks/jumpseller',
    bodyLimit({
      maxSize: deps.maxBodyBytes,
      onError: (c) => errorResponse(c, 'payload_too_large', `webhook bodies are limited to ${deps.maxBodyBytes} bytes`),
    }),
    async (c) => {
      const storeCode = c.req.header('jumpseller-store-code')?.trim();
      const event = c.req.header('jumpseller-event')?.trim();
      if (!storeCode) throw new HttpError('bad_request', 'missing Jumpseller-Store-Code header');
      if (!event) throw new HttpError('bad_request', 'missing Jumpseller-Event header');

      const hooksToken = await deps.stores.hooksToken(storeCode);
      if (!hooksToken) throw new HttpError('not_found', `unknown store "${storeCode}": install the service on it first`);

      const raw = new Uint8Array(await c.req.arrayBuffer());
      try {
        verifyJumpsellerSignature(raw, c.req.header('jumpseller-hmac-sha256'), hooksToken);
      } catch (err) {
        if (err instanceof WebhookSignatureError) {
          deps.metrics.webhooksReceived.inc({ event, outcome: 'rejected' });
          throw new HttpError('unauthorized', `webhook signature ${err.reason}: ${err.message}`);
        }
        throw err;
      }

      const body = new TextDecoder().decode(raw);
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        throw new HttpError('bad_request', 'the body is not valid JSON');
      }
      if (!KNOWN_EVENTS.has(event)) throw new HttpError('bad_request', `unsupported event "${event}"`);

      let resourceId: string;
      let statusEnum: string | null = null;
      try {
        if (ORDER_EVENT_SET.has(event)) {
          const order = parseOrderWebhook(json);
          resourceId = String(order.id);
          statusEnum = order.status_enum ?? null;
        } else {
          resourceId = String(parseProductWebhook(json).id);
        }
      } catch (err) {
        if (err instanceof WebhookPayloadError) throw new HttpError('bad_request', `the ${event} payload is invalid: ${err.message}`);
        throw err;
      }

      const headers = Object.fromEntries(KEPT_HEADERS.flatMap((h) => (c.req.header(h) ? [[h, c.req.header(h)!]] : [])));
      const bodySha256 = createHash('sha256').update(raw).digest('hex');
      const { delivery, duplicate } = await recordDelivery(deps.db, { storeCode, event, resourceId, bodySha256, body, headers });
      if (duplicate && delivery.status !== 'received') {
        deps.metrics.webhooksReceived.inc({ event, outcome: 'duplicate' });
        return c.json({ status: 'duplicate', deliveryId: delivery.id });
      }

      try {
        const outcome = await deps.dispatcher.dispatch({ deliveryId: delivery.id, storeCode, event, resourceId, statusEnum });
        await markDispatched(deps.db, delivery.id, outcome);
        deps.metrics.webhooksReceived.inc({ event, outcome: 'accepted' });
        return c.json({ status: 'accepted', deliveryId: delivery.id, outcome });
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        await markDispatchFailed(deps.db, delivery.id, message);
        deps.metrics.webhooksReceived.inc({ event, outcome: 'deferred' });
        deps.logger.warn({ deliveryId: delivery.id, event, storeCode, err: message }, 'webhook stored; workflow dispatch deferred');
        return errorResponse(c, 'unavailable', 'the delivery is stored and will be processed when the workflow service answers; retry later');
      }
    },
  );
  return app;
}
