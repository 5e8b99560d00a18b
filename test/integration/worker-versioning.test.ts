/**
 * Worker Versioning on the real Temporal server of the test run: the workers join a Worker
 * Deployment as a build, get tasks once that build is current, and an order waiting for payment
 * moves to the next build after a deploy (AUTO_UPGRADE) and is issued there, once. The rolling
 * deploy of a whole cluster is in test/chaos/cluster-chaos.test.ts.
 */
import { randomBytes } from 'node:crypto';
import { temporal as proto } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentBuildId, makeCurrent } from '../../src/temporal/worker-deployment.js';
import { orderWorkflowId } from '../../src/workflows/order/contracts.js';
import { startStack, type TestStack } from '../support/stack.js';

// Its own deployment: the other files' workers are unversioned, on their own queues.
const deploymentName = `jr-test-${randomBytes(4).toString('hex')}`;
const build = (buildId: string) => ({ deploymentName, buildId, promoteOnStart: false });
let stack: TestStack;

beforeAll(async () => {
  stack = await startStack({ versioning: build('b1') });
});
afterAll(async () => {
  await stack?.stop();
});

async function versioningOf(orderId: number) {
  const d = await stack.temporal.workflow.getHandle(orderWorkflowId(stack.storeCode, orderId)).describe();
  const v = d.raw.workflowExecutionInfo?.versioningInfo;
  return { behavior: v?.behavior, buildId: v?.deploymentVersion?.buildId };
}

describe('Worker Versioning', () => {
  it('a build made current serves the order; after a deploy of the next build the waiting order finishes there, with one document', async () => {
    const target = { workflowService: stack.temporal.workflowService, namespace: 'default', deploymentName, identity: 'worker-versioning test' };
    const { jsProduct } = await stack.productInBoth('VER-1', 4990);
    const order = stack.js.sim.placeOrder({ lines: [{ productId: jsProduct.id, qty: 1 }] });
    await stack.js.sim.flushDeliveries();

    expect(await makeCurrent({ ...target, buildId: 'b1' })).toBe('promoted');
    expect(await makeCurrent({ ...target, buildId: 'b1' })).toBe('already current');
    expect(await currentBuildId(target)).toBe('b1');
    await stack.waitForOrderState(order.id, 'awaiting_payment');
    expect(await versioningOf(order.id)).toEqual({ behavior: proto.api.enums.v1.VersioningBehavior.VERSIONING_BEHAVIOR_AUTO_UPGRADE, buildId: 'b1' });

    // A deploy: the old build's workers stop, the next build's start and are made current.
    await stack.stopWorkers();
    await stack.startWorkers(build('b2'));
    expect(await makeCurrent({ ...target, buildId: 'b2' })).toBe('promoted');
    expect(await currentBuildId(target)).toBe('b2');

    stack.js.sim.payOrder(order.id);
    await stack.js.sim.flushDeliveries();
    await stack.waitForOrderState(order.id, 'issued');
    expect(await versioningOf(order.id)).toEqual({ behavior: proto.api.enums.v1.VersioningBehavior.VERSIONING_BEHAVIOR_AUTO_UPGRADE, buildId: 'b2' });
    expect(stack.rb.simulator.documents().filter((d) => d.label_value === `JS-${order.id}`)).toHaveLength(1);
  });

  it('making current a build the server has never seen poll fails with a clear error instead of hanging', async () => {
    const target = { workflowService: stack.temporal.workflowService, namespace: 'default', deploymentName, identity: 'worker-versioning test' };
    await expect(makeCurrent({ ...target, buildId: 'never-deployed' }, { timeoutMs: 1_500, intervalMs: 200 })).rejects.toThrow(
      /build never-deployed of the worker deployment jr-test-[0-9a-f]+ could not be made current: the server has not seen its workers poll/,
    );
    expect(await currentBuildId(target)).toBe('b2');
  });

  it('a worker of the replaced build starting again does not take the deployment back (the server reports b1 as replaced)', async () => {
    const target = { workflowService: stack.temporal.workflowService, namespace: 'default', deploymentName, identity: 'worker-versioning test' };
    expect(await makeCurrent({ ...target, buildId: 'b1' }, { onlyIfNew: true })).toBe('replaced before');
    expect(await currentBuildId(target)).toBe('b2');
  });
});
