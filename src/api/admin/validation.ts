/** Request input parsed with zod; a failure is a 400 whose message names each bad field by its path. */
import type { Context } from 'hono';
import { ZodError, type z } from 'zod';
import { HttpError } from '../errors.js';

export function describeZodIssues(error: ZodError): { path: string; message: string }[] {
  return error.issues.map((i) => ({ path: i.path.length ? i.path.join('.') : '(body)', message: i.message }));
}

export function badInput(error: ZodError, what = 'body'): HttpError {
  const issues = describeZodIssues(error);
  return new HttpError('bad_request', `invalid ${what}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { issues });
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

export { ZodError };
