/**
 * Private data is encrypted at rest in Temporal: a finished factura order's history, read straight
 * from the server with a client that has no codec, holds no RUT, razón social, giro, address, e-mail
 * or phone in clear (inputs, activity results, signals, memo, search attributes, failures); with the
 * payload codec every one of them opens again. A held order (bad RUT echoed in its reason and memo)
 * and the operator's `resolve` signal carrying a corrected receiver are checked the same way.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import proto from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { findTemporalCli } from '../../src/temporal/cli-binary.js';
import { EncryptionCodec, isEncryptedPayload } from '../../src/temporal/payload-codec.js';
import { orderWorkflowId, resolveSignal } from '../../src/workflows/order/contracts.js';
import { ALL_SEARCH_ATTRIBUTES } from '../../src/workflows/search-attributes.js';
import { testKeyring } from '../support/encryption.js';
import { startStack, type TestStack } from '../support/stack.js';

const runFile = promisify(execFile);
let stack: TestStack;
let plainConnection: Connection;
/** What anyone with access to Temporal (its database, its frontend, its Web UI) reads: no codec. */
let withoutCodec: Client;
let productId: number;
const ADMIN_TOKEN = 'payload-encryption-admin-token';

const customer = { email: 'maria.gonzalez.privada@example.cl', fullname: 'María González Privada', phone: '987650123' };
const receiver = { rut: '76.192.083-9', rutNormalised: '76192083-9', razonSocial: 'Ferretería Los Aromos Limitada', giro: 'Venta de artículos de ferretería' };
const address = { address: 'Pasaje Las Camelias 4321', municipality: 'Ñuñoa', city: 'Santiago' };

beforeAll(async () => {
  stack = await startStack({ adminToken: ADMIN_TOKEN });
  const js = stack.js.sim.createProduct({ name: 'Martillo', price: 12990, sku: 'ENC-1', stock: 100 });
  const [rb] = stack.rb.simulator.seedProducts([{ name: 'Martillo', code: 'ENC-1', price: 12990 }]);
  await stack.link('ENC-1', rb!.id, js.id);
  productId = js.id;
  plainConnection = await Connection.connect({ address: inject('temporalAddress') });
  withoutCodec = new Client({ connection: plainConnection });
}, 120_000);
afterAll(async () => {
  await plainConnection?.close();
  await stack?.stop();
});

function placeFactura(rut: string) {
  const order = stack.js.sim.placeOrder({
    lines: [{ productId, qty: 1 }],
    customer,
    billingAddress: { name: 'María', surname: 'González Privada', taxid: rut, ...address },
    additionalFields: [
      { label: 'Tipo de documento', value: 'Factura electrónica' },
      { label: 'RUT', value: rut },
      { label: 'Razón social', value: receiver.razonSocial },
      { label: 'Giro', value: receiver.giro },
    ],
  });
  stack.js.sim.payOrder(order.id);
  return order.id;
}

/** The run's history and its description (memo, search attributes) as the server stores them, in protobuf bytes. */
async function storedBytes(workflowId: string): Promise<Buffer> {
  const history = await withoutCodec.workflow.getHandle(workflowId).fetchHistory();
  const described = await withoutCodec.workflowService.describeWorkflowExecution({ namespace: 'default', execution: { workflowId } });
  return Buffer.concat([
    Buffer.from(proto.temporal.api.history.v1.History.encode(history).finish()),
    Buffer.from(proto.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse.encode(described).finish()),
  ]);
}

/**
 * Every payload in the stored history, opened with the service's codec, as text; and where payloads
 * in clear were found. Search attributes are the only ones a codec never sees (the server indexes them).
 */
async function decodedPayloadText(workflowId: string): Promise<{ text: string; encrypted: number; plainAt: string[] }> {
  const history = await withoutCodec.workflow.getHandle(workflowId).fetchHistory();
  const found: Payload[] = [];
  const plainAt: string[] = [];
  const visit = (node: unknown, path: string) => {
    if (node === null || typeof node !== 'object' || node instanceof Uint8Array) return;
    if (Array.isArray(node)) return node.forEach((n, i) => visit(n, `${path}[${i}]`));
    const rec = node as Record<string, unknown>;
    if (rec['metadata'] && typeof rec['metadata'] === 'object' && 'data' in rec && (rec['metadata'] as Record<string, unknown>)['encoding']) {
      found.push(rec);
      if (!isEncryptedPayload(rec)) plainAt.push(path);
    } else for (const [k, v] of Object.entries(rec)) visit(v, `${path}.${k}`);
  };
  visit(history, 'history');
  const opened = await new EncryptionCodec(testKeyring).decode(found);
  return {
    text: opened.map((p) => Buffer.from(p.data ?? new Uint8Array()).toString('utf8')).join('\n'),
    encrypted: found.filter(isEncryptedPayload).length,
    plainAt,
  };
}

/**
 * Payloads in clear that are allowed (their values are covered by the raw check above): search attributes (the server must index them), and what the SDK
 * writes for `patched()` without the codec (a marker and TemporalChangeVersion, holding patch ids
 * only).
 */
const notSearchAttributes = (paths: string[]) =>
  paths.filter(
    (p) =>
      !new RegExp(`\\.searchAttributes\\.indexedFields\\.(${[...ALL_SEARCH_ATTRIBUTES.map((k) => k.name), 'TemporalChangeVersion'].join('|')})$`).test(p) &&
      !/\.markerRecordedEventAttributes\.details\.patch-data\.payloads\[\d+\]$/.test(p),
  );

const privateStrings = [
  receiver.rut,
  receiver.rutNormalised,
  '76192083',
  receiver.razonSocial,
  receiver.giro,
  address.address,
  'Camelias',
  customer.email,
  customer.fullname,
  customer.phone,
];

describe('personal data in Temporal', () => {
  it('an issued factura: nothing private in clear in what the server stores; the codec opens all of it', async () => {
    const orderId = placeFactura(receiver.rut);
    const issued = await stack.waitForOrderState(orderId, 'issued', 90_000);
    expect(issued.documentType).toBe(33);
    const workflowId = orderWorkflowId(stack.storeCode, orderId);

    const stored = await storedBytes(workflowId);
    expect(stored.length).toBeGreaterThan(1000);
    for (const s of privateStrings) expect(stored.includes(Buffer.from(s, 'utf8')), `"${s}" is in clear in Temporal`).toBe(false);

    // The same history through the codec: the data is there, so the check above could have failed.
    const decoded = await decodedPayloadText(workflowId);
    expect(notSearchAttributes(decoded.plainAt)).toEqual([]);
    expect(decoded.encrypted).toBeGreaterThan(5);
    for (const s of [receiver.razonSocial, receiver.giro, address.address]) expect(decoded.text).toContain(s);
    expect(decoded.text).toMatch(/76\.?192\.?083-?9/);
  }, 120_000);

  it('a held order (bad RUT in its reason and memo) and the operator’s resolve signal are encrypted too', async () => {
    await stack.setSettings({ invalidFiscalDataPolicy: 'hold' });
    const badRut = '76.192.083-1';
    const orderId = placeFactura(badRut);
    const held = await stack.waitForOrderState(orderId, 'needs_attention', 90_000);
    expect(held.reason).toMatch(/RUT/);
    const workflowId = orderWorkflowId(stack.storeCode, orderId);
    // The service's own client (with the codec) signals; the server only ever sees the sealed value.
    await stack.temporal.workflow
      .getHandle(workflowId)
      .signal(resolveSignal, { receiver: { rut: receiver.rutNormalised, razonSocial: receiver.razonSocial, giro: receiver.giro } });
    await stack.waitForOrderState(orderId, 'issued', 90_000);

    const stored = await storedBytes(workflowId);
    for (const s of [...privateStrings, badRut, '76192083-1']) expect(stored.includes(Buffer.from(s, 'utf8')), `"${s}" is in clear in Temporal`).toBe(false);
    const decoded = await decodedPayloadText(workflowId);
    expect(notSearchAttributes(decoded.plainAt)).toEqual([]);
    expect(decoded.text).toContain(receiver.razonSocial);
    expect(decoded.text).toMatch(/76\.?192\.?083-?1/);
  }, 120_000);

  it('the codec endpoint the Web UI and the temporal CLI use opens what the workers sealed, for the admin token only', async () => {
    // Served by the stack's API over real HTTP, exactly as the Web UI calls it.
    const orderId = placeFactura(receiver.rut);
    await stack.waitForOrderState(orderId, 'issued', 90_000);
    const history = await withoutCodec.workflow.getHandle(orderWorkflowId(stack.storeCode, orderId)).fetchHistory();
    const input = history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads!;
    const body = {
      payloads: input.map((p) => ({
        metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
        data: Buffer.from(p.data!).toString('base64'),
      })),
    };
    const call = (headers: Record<string, string>) =>
      fetch(`${stack.apiUrl}/codec/decode`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    const refused = await call({});
    expect(refused.status).toBe(401);
    expect(await refused.text()).not.toContain(stack.storeCode);
    const allowed = await call({ authorization: `Bearer ${ADMIN_TOKEN}` });
    expect(allowed.status).toBe(200);
    const opened = ((await allowed.json()) as { payloads: { data: string }[] }).payloads.map((p) => Buffer.from(p.data, 'base64').toString('utf8')).join('\n');
    expect(opened).toContain(stack.storeCode);
    expect(opened).toContain(String(orderId));

    // The `temporal` CLI speaks the same protocol: without the codec it shows sealed payloads, with it the receiver.
    const cli = findTemporalCli(process.env.TEMPORAL_CLI_PATH, process.env.PATH);
    if (!cli) throw new Error('no Temporal CLI (npm install builds it into .tools/bin)');
    const show = async (...extra: string[]) => {
      const args = ['workflow', 'show', '--address', inject('temporalAddress'), '--workflow-id', orderWorkflowId(stack.storeCode, orderId), '--output', 'json', ...extra];
      const { stdout } = await runFile(cli.path, args, { maxBuffer: 16 * 1024 * 1024 });
      // It prints payloads as protobuf JSON: metadata and data in base64.
      const texts: string[] = [];
      const visit = (n: unknown): void => {
        if (Array.isArray(n)) n.forEach(visit);
        else if (n && typeof n === 'object') {
          for (const [k, v] of Object.entries(n)) {
            if ((k === 'data' || k === 'encoding') && typeof v === 'string') texts.push(Buffer.from(v, 'base64').toString('utf8'));
            else visit(v);
          }
        }
      };
      visit(JSON.parse(stdout));
      return texts.join('\n');
    };
    const sealed = await show();
    expect(sealed).toContain('binary/encrypted');
    expect(sealed).not.toContain(receiver.razonSocial);
    const decoded = await show('--codec-endpoint', `${stack.apiUrl}/codec`, '--codec-auth', `Bearer ${ADMIN_TOKEN}`);
    expect(decoded).not.toContain('binary/encrypted');
    expect(decoded).toContain(receiver.razonSocial);
  });
});
