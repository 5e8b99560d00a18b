import { execFile } from 'node:child_process';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { chooseLogFormat, createLogger, type LogFormat } from '../../../src/observability/logger.js';

const SECRETS = ['js-secret-1', 'hooks-secret-2', 'c2VjcmV0', 'rb-company-secret-3', 'access-secret-4', 'refresh-secret-5'];

function logWithSecrets(format: LogFormat): Promise<string> {
  const lines: string[] = [];
  let written: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (written = resolve));
  const sink = new Writable({
    write(chunk: Buffer, _enc, next) {
      lines.push(chunk.toString());
      if (lines.join('').includes('calling the API')) written();
      next();
    },
  });
  const logger = createLogger('info', sink, format);
  logger.info(
    {
      store: { code: 'mystore', authToken: 'js-secret-1', hooks_token: 'hooks-secret-2' },
      request: { headers: { authorization: 'Basic c2VjcmV0', company: 'rb-company-secret-3' } },
      oauth: { tokens: { access_token: 'access-secret-4', refresh_token: 'refresh-secret-5' } },
    },
    'calling the API',
  );
  return done.then(() => lines.join(''));
}

it('redacts credentials by key wherever they sit in a logged object', async () => {
  const out = await logWithSecrets('json');
  for (const secret of SECRETS) expect(out).not.toContain(secret);
  expect(out).toContain('mystore');
  expect(out).toContain('[redacted]');
  expect(JSON.parse(out)).toMatchObject({ msg: 'calling the API', store: { code: 'mystore', authToken: '[redacted]' } });
});

it('redacts the same credentials in the readable format', async () => {
  const out = await logWithSecrets('pretty');
  for (const secret of SECRETS) expect(out).not.toContain(secret);
  expect(out).toContain('mystore');
  expect(out).toContain('[redacted]');
  // A person's line: level and message in words, not a JSON object.
  expect(out).toMatch(/INFO.*calling the API/);
  expect(() => JSON.parse(out) as unknown).toThrow();
});

describe('the format of a process’s logs', () => {
  it('is readable on a terminal and JSON otherwise, unless LOG_FORMAT says', () => {
    expect(chooseLogFormat(undefined, true)).toBe('pretty');
    expect(chooseLogFormat(undefined, false)).toBe('json');
    expect(chooseLogFormat('json', true)).toBe('json');
    expect(chooseLogFormat('pretty', false)).toBe('pretty');
  });

  // The real process: its stdout is a pipe here, so JSON unless LOG_FORMAT=pretty; the secret redacted either way.
  const run = async (env: Record<string, string>) => {
    const script = `
      const { loadConfig } = await import(${JSON.stringify(fileURLToPath(new URL('../../../src/config.ts', import.meta.url)))});
      const { createProcessLogger } = await import(${JSON.stringify(fileURLToPath(new URL('../../../src/observability/logger.ts', import.meta.url)))});
      const config = loadConfig();
      createProcessLogger(config.logLevel, config.logFormat).info({ store: { accessToken: 'access-secret-6' } }, 'started');`;
    const { LOG_FORMAT: _unset, ...rest } = process.env;
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { env: { ...rest, ...env } });
    return stdout;
  };

  it('JSON when stdout is not a terminal', async () => {
    const out = await run({});
    expect(JSON.parse(out)).toMatchObject({ msg: 'started', store: { accessToken: '[redacted]' } });
  });

  it('readable with LOG_FORMAT=pretty, still redacted', async () => {
    const out = await run({ LOG_FORMAT: 'pretty' });
    expect(out).toMatch(/INFO.*started/);
    expect(out).toContain('[redacted]');
    expect(out).not.toContain('access-secret-6');
  });
});
