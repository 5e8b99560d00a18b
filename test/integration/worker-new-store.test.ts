/** A store that appears after the worker started (an OAuth install) is served without a restart. */
import { NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';
import { createWorkers, serveNewStores, type RunningWorkers } from '../../src/worker.js';
import { testDataConverter } from '../support/encryption.js';
import { startStack, workflowBundle, type TestStack } from '../support/stack.js';

let stack: TestStack;
let connection: NativeConnection;
let running: RunningWorkers | undefined;

beforeAll(async () => {
  // Its own main queue: the production one is polled by the worker processes other files spawn.
  stack = await startStack({ inProcessWorkers: false, ownMainQueue: true });
  connection = await NativeConnection.connect({ address: inject('temporalAddress') });
});
afterAll(async () => {
  await running?.shutdown();
  await connection?.close();
  await stack?.stop();
});

it('starts serving the new store’s API queues and its order issues', async () => {
  running = await createWorkers({
    connection,
    namespace: 'default',
    dataConverter: testDataConverter,
    workflowBundle: await workflowBundle(),
    storeCodes: [],
    mainTaskQueue: stack.mainTaskQueue,
    activityDeps: { db: stack.db, stores: stack.stores, temporal: stack.temporal, logger: createLogger('silent') },
  });
  const product = stack.js.sim.createProduct({ name: 'Nuevo', price: 2500, sku: 'NEW-1', stock: 10 });
  const [rb] = stack.rb.simulator.seedProducts([{ name: 'Nuevo', code: 'NEW-1', price: 2500 }]);
  await stack.link('NEW-1', rb!.id, product.id);
  const order = stack.js.sim.placeOrder({ lines: [{ productId: product.id, qty: 1 }] });
  stack.js.sim.payOrder(order.id);
  // The workflow runs but its Jumpseller read waits on a queue nobody serves yet.
  await stack.waitForOrderState(order.id, 'checking');
  await new Promise((r) => setTimeout(r, 1000));
  expect((await stack.orderStatus(order.id)).state).toBe('checking');

  const stop = serveNewStores(running, () => stack.stores.codes(), createLogger('silent'), 200);
  try {
    await stack.waitForOrderState(order.id, 'issued', 60_000);
  } finally {
    stop();
  }
  expect(await running.addStore(stack.storeCode)).toBe(false);
});
