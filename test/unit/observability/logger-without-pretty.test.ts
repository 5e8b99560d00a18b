/**
 * An install without dev dependencies (`npm ci --omit=dev`, the Docker image) has no pino-pretty: a
 * process on a terminal logs JSON instead of failing to start; only an explicit LOG_FORMAT=pretty
 * refuses, saying what is missing.
 */
import type * as NodeModule from 'node:module';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import type * as LoggerModule from '../../../src/observability/logger.js';

let createLogger: typeof LoggerModule.createLogger;
let createProcessLogger: typeof LoggerModule.createProcessLogger;

vi.mock('node:module', async (importOriginal) => {
  const original = await importOriginal<typeof NodeModule>();
  const createRequire = (from: string | URL) => {
    const real = original.createRequire(from);
    return Object.assign((id: string) => {
      if (id === 'pino-pretty') throw Object.assign(new Error("Cannot find module 'pino-pretty'"), { code: 'MODULE_NOT_FOUND' });
      return real(id) as unknown;
    }, real);
  };
  return { ...original, default: { ...original, createRequire }, createRequire };
});

// The unit files share their workers' module cache (isolate: false): the logger is loaded afresh so
// that it sees the mocked node:module, whichever file loaded it first, and dropped afterwards so that
// the next file in this worker does not get the logger that cannot find pino-pretty.
beforeAll(async () => {
  vi.resetModules();
  ({ createLogger, createProcessLogger } = await import('../../../src/observability/logger.js'));
});
afterAll(() => {
  vi.doUnmock('node:module');
  vi.resetModules();
});

it('a terminal gets JSON logs when pino-pretty is not installed', () => {
  const logger = createProcessLogger('silent', undefined, true);
  expect(logger.level).toBe('silent');
});

it('LOG_FORMAT=pretty without pino-pretty says what is missing', () => {
  expect(() => createProcessLogger('silent', 'pretty', true)).toThrow(/LOG_FORMAT=pretty needs pino-pretty.*LOG_FORMAT=json/);
  expect(() => createLogger('silent', undefined, 'pretty')).toThrow(/pino-pretty/);
});
