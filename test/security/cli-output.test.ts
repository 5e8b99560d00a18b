/**
 * Control characters in checkout fields (and anything else the service stores on a customer's say)
 * shown by `npm run ops`: nothing that reaches the terminal can clear the screen, rewrite a line,
 * ring the bell, change the window title or reverse the text, whatever the command and output format.
 */
import { describe, expect, it } from 'vitest';
import { terminalSafe } from '../../src/cli/format.js';
import { runOps } from '../../src/cli/ops.js';

const ESC = '\u001b';
/** A razón social typed at checkout by someone who knows terminals. */
const EVIL = `Comercial${ESC}[2J${ESC}[1;1H${ESC}[31mSpA${ESC}[0m\rPAGADO\u0007\u0008${ESC}]0;owned\u0007\u009b31m\u202eAPS\u2028fake line\nsecond line`;
/** What a terminal may act on: C0 except none, DEL, C1, line separators and bidi overrides. */
// eslint-disable-next-line no-control-regex
const ACTIONABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

function fakeApi(): typeof fetch {
  return (input) => {
    const path = new URL(input instanceof Request ? input.url : String(input)).pathname;
    const json = (body: unknown, status = 200) => Promise.resolve(new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }));
    if (path === '/admin/stores')
      return json({ stores: [{ code: 'shop', name: EVIL, authKind: 'oauth', status: 'needs_reinstall', statusReason: EVIL, accessTokenExpiresAt: null }] });
    if (path === '/admin/stores/shop/orders')
      return json({
        store: 'shop',
        states: ['needs_attention'],
        orders: [{ orderId: '7', state: 'needs_attention', missingSkus: [EVIL], reason: `RUT inválido para ${EVIL}`, updatedAt: 'now' }],
      });
    if (path === '/admin/stores/shop/orders/7') {
      return json({
        state: { state: 'needs_attention', reason: EVIL, receiver: { razonSocial: EVIL }, history: [{ at: 'now', state: 'needs_attention', reason: EVIL }] },
        workflow: { memo: { [EVIL]: EVIL } },
        readModel: { reason: EVIL },
        document: null,
        creditNotes: [{ label: EVIL, reasonCode: 1, state: EVIL, folio: EVIL, total: 1 }],
      });
    }
    if (path === '/admin/audit') return json({ entries: [{ at: 'now', actor: EVIL, action: EVIL, store: 'shop', subject: '7', outcome: 'ok', status: 200 }] });
    if (path === '/admin/stores/shop/orders/8/retry') return json({ error: { code: 'conflict', message: `order is done: ${EVIL}` } }, 409);
    return json({ error: { code: 'not_found', message: EVIL } }, 404);
  };
}

async function ops(args: string[]) {
  let out = '';
  let err = '';
  const code = await runOps(args, {
    fetch: fakeApi(),
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    env: { OPS_TOKEN: 'ops-token-Zq8vN2kLp4Xw7RtY', PORT: '3999' },
  });
  return { code, out, err };
}

describe('ops output strips control characters from data', () => {
  it.each([
    ['stores', ['stores']],
    ['orders', ['orders']],
    ['order', ['order', '7']],
    ['order --json', ['order', '7', '--json']],
    ['audit', ['audit']],
    ['an API error message', ['retry', '8']],
  ])('%s', async (_, args) => {
    const r = await ops(args);
    for (const [stream, text] of [
      ['stdout', r.out],
      ['stderr', r.err],
    ] as const) {
      // Newlines the CLI itself writes are fine; within each line nothing may act on the terminal.
      for (const line of text.split('\n')) expect(line, `${stream}: ${JSON.stringify(line)}`).not.toMatch(ACTIONABLE);
    }
    expect(r.out + r.err).toContain('Comercial');
    expect(r.out + r.err).not.toMatch(/^second line/m); // an embedded newline cannot start a line of its own
  });

  it('keeps the printable text', () => {
    expect(terminalSafe(EVIL)).toBe('ComercialSpAPAGADO31mAPSfake line second line');
  });
});
