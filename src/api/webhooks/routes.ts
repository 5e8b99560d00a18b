/**
 * `POST /webhooks/jumpseller`: authenticate, store, dispatch, answer, in that order and nothing more.
 *
 * - The signature is checked over the raw bytes before anything is read from the body. A missing or
 *   wrong signature and an unknown store get the very same 401, so the answer never tells which
 *   store codes exist.
 * - Anything signed is stored and answered 2xx, whatever its shape: a 4xx makes Jumpseller retry and
 *   then delete the hook, and every later order of the store would be lost with it. Only the event,
 *   the resource id and an order's `status_enum` are read, leniently; the strict schema applies where
 *   the workflow reads the resource from the API. Events the service does not handle are stored as
 *   `ignored`; a body without a readable id as `unroutable` (shown to operators).
 * - A stored delivery is dispatched at once, with a deadline. When Temporal cannot take it, it stays
 *   stored and the answer is still 2xx (`queued`): the redispatcher dispatches it, so neither the
 *   order nor the hook depends on Jumpseller's retries.
 */
import { createHash } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Db } from '../../db/database.js';
import { claimDelivery, markDispatched, markDispatchFailed, recordDelivery, type DeliveryInput } from '../../db/webhook-deliveries-repository.js';
import type { WebhookDelivery } from '../../db/schema.js';
import { verifyJumpsellerSignature, WebhookSignatureError } from '../../jumpseller/webhook-signature.js';
import { isKnownEvent, routingFieldsOf } from '../../jumpseller/webhook-payloads.js';
import type { Logger } from '../../observability/logger.js';
import type { Metrics } from '../../observability/metrics.js';
import type { StoreRegistry } from '../../stores/registry.js';
import { errorResponse } from '../errors.js';
import type { Dispatcher } from '../../dispatch/dispatcher.js';
import { backoffMs, claimOwner, DEFAULT_DISPATCH_POLICY, deadlineRunner, isTemporalUnreachable, messageOf, type DeadlineRunner, type DispatchPolicy } from './dispatch-policy.js';

export interface WebhookDeps {
  db: Db;
  stores: Pick<StoreRegistry, 'hooksToken'>;
  dispatcher: Dispatcher;
  logger: Logger;
  metrics: Metrics;
  maxBodyBytes: number;
  /** Puts the deadline on the dispatch; default: a timer only (give it the Temporal client in production). */
  withDeadline?: DeadlineRunner;
  policy?: Partial<DispatchPolicy>;
}

/** Headers kept with a delivery for the audit trail. Never the signature: it is a credential-derived value. */
const KEPT_HEADERS = ['jumpseller-event', 'jumpseller-store-code', 'jumpseller-triggered-at', 'content-type', 'user-agent'];
const MAX_HEADER_CHARS = 200;
/** Jumpseller answers within 15 s or counts a failure; the dispatch must leave time to answer. */
const ROUTE_DEADLINE_MS = 5_000;
/** The HMAC computed for a request naming an unknown store, so it takes as long as a known one. */
const NO_STORE_TOKEN = 'no-such-store';

const UNAUTHORIZED_BODY = { error: { code: 'unauthorized', message: 'the webhook could not be authenticated for this store' } };

function header(c: Context, name: string): string {
  return (c.req.header(name) ?? '').trim().slice(0, MAX_HEADER_CHARS);
}

export function webhookRoutes(deps: WebhookDeps): Hono {
  const app = new Hono();
  const policy: DispatchPolicy = { ...DEFAULT_DISPATCH_POLICY, deadlineMs: ROUTE_DEADLINE_MS, ...deps.policy };
  const withDeadline = deps.withDeadline ?? deadlineRunner();
  const claim = { owner: claimOwner(), leaseMs: policy.leaseMs };

  /** The same answer for every request that does not prove it comes from a store we serve. */
  const refuse = (c: Context) => {
    deps.metrics.webhookRefused('unauthorized');
    return c.json(UNAUTHORIZED_BODY, 401);
  };

  async function authentic(storeCode: string, raw: Uint8Array, signature: string): Promise<boolean> {
    const token = storeCode ? await deps.stores.hooksToken(storeCode) : undefined;
    try {
      verifyJumpsellerSignature(raw, signature, token ?? NO_STORE_TOKEN);
      return token !== undefined;
    } catch (err) {
      if (!(err instanceof WebhookSignatureError)) throw err;
      // A known store whose signatures stop matching has most likely reset its hooks token.
      if (token !== undefined) deps.logger.warn({ storeCode, reason: err.reason }, 'webhook refused: signature does not match the store hooks token');
      return false;
    }
  }

  /** What to store: routable deliveries wait for dispatch; others are kept only, with the reason. */
  function classify(event: string, body: string): Pick<DeliveryInput, 'resourceId' | 'status' | 'note'> & { statusEnum: string | null } {
    if (!isKnownEvent(event)) return { resourceId: '', status: 'ignored', note: null, statusEnum: null };
    const fields = routingFieldsOf(event, body);
    if (fields.resourceId === null) return { resourceId: '', status: 'unroutable', note: fields.problem, statusEnum: null };
    return { resourceId: fields.resourceId, status: 'received', note: null, statusEnum: fields.statusEnum };
  }

  async function dispatchNow(c: Context, delivery: WebhookDelivery, statusEnum: string | null) {
    const { id, store_code: storeCode, event, resource_id: resourceId } = delivery;
    try {
      const outcome = await withDeadline(policy.deadlineMs, () => deps.dispatcher.dispatch({ deliveryId: id, storeCode, event, resourceId, statusEnum }));
      await markDispatched(deps.db, id, outcome);
      deps.metrics.webhookReceived(event, outcome);
      return c.json({ status: 'accepted', deliveryId: id, outcome });
    } catch (err) {
      const unreachable = isTemporalUnreachable(err);
      await markDispatchFailed(deps.db, id, {
        error: messageOf(err),
        retryInMs: unreachable ? policy.baseBackoffMs : backoffMs(policy, delivery.attempts + 1),
        countsAsAttempt: !unreachable,
        maxAttempts: policy.maxAttempts,
      });
      deps.metrics.webhookReceived(event, 'queued');
      deps.logger.warn({ deliveryId: id, event, storeCode, err: messageOf(err) }, 'webhook stored; its dispatch is left to the redispatcher');
      return c.json({ status: 'queued', deliveryId: id, message: 'stored; it will be processed as soon as the workflow service takes it' }, 202);
    }
  }

  app.post(
    '/webhooks/jumpseller',
    bodyLimit({
      maxSize: deps.maxBodyBytes,
      onError: (c) => {
        deps.metrics.webhookRefused('too_large');
        return errorResponse(c, 'payload_too_large', `webhook bodies are limited to ${deps.maxBodyBytes} bytes`);
      },
    }),
    async (c) => {
      const storeCode = header(c, 'jumpseller-store-code');
      const raw = new Uint8Array(await c.req.arrayBuffer());
      if (!(await authentic(storeCode, raw, header(c, 'jumpseller-hmac-sha256')))) return refuse(c);

      const event = header(c, 'jumpseller-event');
      // PostgreSQL text cannot hold NUL; the hash below is of the bytes as they came.
      const body = new TextDecoder().decode(raw).replaceAll('\u0000', '\uFFFD');
      const { statusEnum, ...routing } = classify(event, body);
      const headers = Object.fromEntries(KEPT_HEADERS.flatMap((h) => (c.req.header(h) ? [[h, header(c, h)]] : [])));
      const bodySha256 = createHash('sha256').update(raw).digest('hex');
      const { delivery, duplicate } = await recordDelivery(deps.db, { storeCode, event, bodySha256, body, headers, ...routing }, claim);

      if (duplicate) {
        // A repeat of a delivery still waiting is dispatched now, unless another process is on it.
        const claimed = delivery.status === 'received' ? await claimDelivery(deps.db, delivery.id, claim) : undefined;
        if (claimed) return dispatchNow(c, claimed, statusEnum);
        deps.metrics.webhookReceived(event, 'duplicate');
        return c.json({ status: 'duplicate', deliveryId: delivery.id });
      }
      if (delivery.status === 'received') return dispatchNow(c, delivery, statusEnum);

      deps.metrics.webhookReceived(event, routing.status === 'unroutable' ? 'unroutable' : 'ignored');
      if (routing.status === 'unroutable') {
        deps.logger.warn({ deliveryId: delivery.id, event, storeCode, problem: routing.note }, 'signed webhook stored as unroutable: an operator should look at it');
      }
      return c.json({ status: routing.status, deliveryId: delivery.id, ...(routing.note ? { problem: routing.note } : {}) });
    },
  );
  return app;
}
