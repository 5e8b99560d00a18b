/**
 * Request input parsed with zod; a failure is a 400 whose message names each bad field by its path:
 * `invalid body: receiver.rut: …; …`. The admin routes declare their input (createRoute) and the
 * declared validators report through `inputHook`, which words failures as they always were.
 */
import type { Context, MiddlewareHandler, ValidationTargets } from 'hono';
import type { BlankEnv } from 'hono/types';
import { z, ZodError } from 'zod';
import { HttpError } from '../errors.js';

type Issue = z.core.$ZodIssue;

function describeZodIssues(issues: readonly Issue[]): { path: string; message: string }[] {
  return issues.map((i) => ({ path: i.path.length ? i.path.join('.') : '(body)', message: i.message }));
}

function badIssues(list: readonly Issue[], what: string): HttpError {
  const issues = describeZodIssues(list);
  return new HttpError('bad_request', `invalid ${what}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { issues });
}

export function badInput(error: ZodError, what = 'body'): HttpError {
  return badIssues(error.issues, what);
}

export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what = 'body'): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw badInput(r.error, what);
  return r.data;
}

/** The JSON body, or a 400 that says it is not JSON. An empty body reads as `{}`. */
export async function jsonBody(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError('bad_request', 'the body is not valid JSON');
  }
}

/** How a route's 400s name its input. */
export interface InputLabels {
  /** The JSON body: `body` unless the route calls it something else (`settings`). */
  body?: string;
  /**
   * Query or path fields reported on their own, as `invalid <label>: <path inside the field>: …`
   * (e.g. `id` → `order id`, `state` → `state`); the first bad one only, as when each was parsed
   * in turn. Other query fields are reported together as `invalid query: <field>: …`.
   */
  fields?: Record<string, string>;
}

type ValidationResult = { target: keyof ValidationTargets } & ({ success: true; data: unknown } | { success: false; error: ZodError });

/** The hook a route's declared validators call: a failure throws the 400 described above. */
export function inputHook(labels: InputLabels = {}): (result: ValidationResult) => undefined {
  return (result) => {
    if (result.success) return undefined;
    const { target, error } = result;
    if (target === 'json') throw badInput(error, labels.body ?? 'body');
    const field = error.issues[0]?.path[0];
    const label = typeof field === 'string' ? labels.fields?.[field] : undefined;
    if (label === undefined) throw badInput(error, target === 'param' ? 'path' : target);
    throw badIssues(
      error.issues.filter((i) => i.path[0] === field).map((i) => ({ ...i, path: i.path.slice(1) })),
      label,
    );
  };
}

/**
 * Route middleware for routes that take a JSON body, run before their validators: the body read as
 * the admin API always has (JSON whatever the Content-Type says or without one, an empty body as
 * `{}`, anything else the 400 "the body is not valid JSON"), then handed on as a JSON request,
 * which is the only kind the declared body validator reads.
 */
export const readJsonBody: MiddlewareHandler<BlankEnv> = async (c, next) => {
  const body = await jsonBody(c);
  const headers = new Headers(c.req.raw.headers);
  headers.set('content-type', 'application/json');
  c.req.raw = new Request(c.req.raw.url, { method: c.req.method, headers, body: JSON.stringify(body) });
  c.req.bodyCache = {};
  await next();
};

/** A query parameter given more than once counts by its first value, as `c.req.query(name)` reads it. */
export function firstQueryValue<S extends z.ZodType>(schema: S) {
  return z.preprocess((v) => (Array.isArray(v) ? (v as unknown[])[0] : v), schema);
}

export { ZodError };
