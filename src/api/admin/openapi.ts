/**
 * What every admin route declaration (createRoute) shares: the router, whose declared validators
 * word failures as the admin API's 400s, the path parameters, and the JSON answer and error entries
 * the OpenAPI document lists.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Env } from 'hono';
import type { BlankEnv } from 'hono/types';
import { z } from 'zod';
import { ErrorEnvelope } from './schemas.js';
import { inputHook, type InputLabels } from './validation.js';

/** A router whose declared validators answer the admin API's 400s (see InputLabels). */
export function adminRouter<E extends Env = BlankEnv>(labels: InputLabels = {}): OpenAPIHono<E> {
  return new OpenAPIHono<E>({ defaultHook: inputHook(labels) });
}

export const StoreParams = z.object({ code: z.string().describe('the store code') });
export const OrderParams = StoreParams.extend({ id: z.string().regex(/^\d+$/, 'must be a Jumpseller order id (digits)').describe('the Jumpseller order id') });

/** A JSON answer with its schema. */
export function jsonAnswer<S extends z.ZodType>(schema: S, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

/** A JSON request body with its schema. */
export function jsonRequest<S extends z.ZodType>(schema: S, description: string, required = true) {
  return { description, required, content: { 'application/json': { schema } } };
}

type ErrorStatus = 400 | 404 | 409 | 503;
type ErrorAnswer = ReturnType<typeof jsonAnswer<typeof ErrorEnvelope>>;

/**
 * The error answers of a route: those it gives, each with when, and those every admin route can
 * give (401 no or a wrong token, 503 the admin API is off, 500).
 */
export function errorAnswers<const S extends ErrorStatus>(when: Record<S, string>): Record<S | 401 | 500 | 503, ErrorAnswer> {
  const answers: Record<number, ErrorAnswer> = {
    401: jsonAnswer(ErrorEnvelope, 'no bearer token, or not an admin token'),
    503: jsonAnswer(ErrorEnvelope, 'the admin API is off (no ADMIN_TOKEN or ADMIN_TOKENS)'),
    500: jsonAnswer(ErrorEnvelope, 'an unexpected failure; the service log has the request id'),
  };
  for (const [status, description] of Object.entries<string>(when)) {
    answers[Number(status)] = jsonAnswer(ErrorEnvelope, status === '503' ? `${description}; or the admin API is off` : description);
  }
  return answers;
}

export const NO_STORE = 'no store with that code';
