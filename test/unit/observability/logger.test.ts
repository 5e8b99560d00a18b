import { Writable } from 'node:stream';
import { expect, it } from 'vitest';
import { createLogger } from '../../../src/observability/logger.js';

it('redacts credentials by key wherever they sit in a logged object', () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const logger = createLogger('info', sink);
  logger.info(
    {
      store: { code: 'mystore', authToken: 'js-secret-1', hooks_token: 'hooks-secret-2' },
      request: { headers: { authorization: 'Basic c2VjcmV0', company: 'rb-company-secret-3' } },
      oauth: { tokens: { access_token: 'access-secret-4', refresh_token: 'refresh-secret-5' } },
    },
    'calling the API',
  );
  const out = lines.join('');
  for (const secret of ['js-secret-1', 'hooks-secret-2', 'c2VjcmV0', 'rb-company-secret-3', 'access-secret-4', 'refresh-secret-5']) {
    expect(out).not.toContain(secret);
  }
  expect(out).toContain('mystore');
  expect(out).toContain('[redacted]');
});
