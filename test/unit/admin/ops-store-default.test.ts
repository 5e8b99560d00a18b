import { describe, expect, it } from 'vitest';
import { runOps } from '../../../src/cli/ops.js';

/** A fake admin API that records the paths asked for. */
function fakeApi(stores: string[]) {
  const paths: string[] = [];
  const fetchFake: typeof fetch = (input) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    paths.push(url.pathname);
    const body = url.pathname === '/admin/stores' ? { stores: stores.map((code) => ({ code })) } : { store: stores[0], states: ['pending_products'], orders: [] };
    return Promise.resolve(new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } }));
  };
  return { paths, fetchFake };
}

async function run(stores: string[], args: string[]) {
  const api = fakeApi(stores);
  let out = '';
  let err = '';
  const code = await runOps(args, {
    fetch: api.fetchFake,
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    // OPS_TOKEN is only what the CLI sends (the service judges it); ADMIN_TOKEN is now refused at start when weak.
    env: { OPS_TOKEN: 'x'.repeat(20), PORT: '3999' },
  });
  return { code, out, err, paths: api.paths };
}

describe('ops --store', () => {
  it('defaults to the only store, at localhost:$PORT', async () => {
    const r = await run(['solo'], ['orders']);
    expect(r.code).toBe(0);
    expect(r.paths).toEqual(['/admin/stores', '/admin/stores/solo/orders']);
  });

  it('asks for --store when there are several, naming them', async () => {
    const r = await run(['a', 'b'], ['orders']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/several stores \(a, b\): pass --store/);
    expect(r.paths).toEqual(['/admin/stores']);
  });
});
