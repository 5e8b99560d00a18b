/**
 * Promoting a worker build (src/temporal/worker-deployment.ts) against a scripted WorkflowService:
 * the races and refusals the real server answers with, which one real run rarely shows. The
 * happy path on the real server is test/integration/worker-versioning.test.ts.
 */
import type { WorkflowService } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { makeCurrent, workerDeploymentOptions } from '../../../src/temporal/worker-deployment.js';
import { promoteOwnBuild } from '../../../src/worker.js';
import { createLogger } from '../../../src/observability/logger.js';

const grpcError = (code: number, message: string) => Object.assign(new Error(message), { code });

interface Version {
  buildId: string;
  status?: number;
  lastDeactivationTime?: object;
}

/** A deployment with these versions and this current build; `setAnswers` are thrown (or not) in turn. */
function fakeService(state: { current?: string; versions: Version[] }, setAnswers: (Error | null)[] = []) {
  const calls = { set: 0, describe: 0 };
  const service = {
    describeWorkerDeployment: () => {
      calls.describe++;
      return Promise.resolve({
        conflictToken: new Uint8Array([calls.describe]),
        workerDeploymentInfo: {
          versionSummaries: state.versions.map((v) => ({ deploymentVersion: { buildId: v.buildId }, status: v.status, lastDeactivationTime: v.lastDeactivationTime })),
          routingConfig: state.current ? { currentDeploymentVersion: { buildId: state.current } } : {},
        },
      });
    },
    setWorkerDeploymentCurrentVersion: (req: { buildId: string }) => {
      calls.set++;
      const answer = setAnswers.shift();
      if (answer) return Promise.reject(answer);
      state.current = req.buildId;
      return Promise.resolve({});
    },
  };
  return { service: service as unknown as WorkflowService, calls };
}

const target = (workflowService: WorkflowService, buildId = 'b2') => ({ workflowService, namespace: 'default', deploymentName: 'd', buildId, identity: 'test' });
const fast = { intervalMs: 1, timeoutMs: 200 };

describe('making a build current', () => {
  it('is off without a build id, and every workflow is AUTO_UPGRADE with one', () => {
    expect(workerDeploymentOptions(undefined)).toEqual({});
    expect(workerDeploymentOptions({ deploymentName: 'd', buildId: undefined, promoteOnStart: true })).toEqual({});
    expect(workerDeploymentOptions({ deploymentName: 'd', buildId: 'b1', promoteOnStart: true }).workerDeploymentOptions).toEqual({
      useWorkerVersioning: true,
      version: { deploymentName: 'd', buildId: 'b1' },
      defaultVersioningBehavior: 'AUTO_UPGRADE',
    });
  });

  it('a lost race (another worker changed the deployment between the read and the write) reads again and finds the build current', async () => {
    const state = { current: 'b1', versions: [{ buildId: 'b1' }, { buildId: 'b2' }] };
    const { service, calls } = fakeService(state, [grpcError(9, 'conflict token mismatch')]);
    state.current = 'b1';
    const racing = makeCurrent(target(service), fast);
    // The other worker's write lands between this one's read and write.
    setTimeout(() => (state.current = 'b2'), 0);
    expect(await racing).toBe('already current');
    expect(calls.set).toBe(1);
  });

  it('retries Temporal restarting or busy, then promotes', async () => {
    const { service, calls } = fakeService({ current: 'b1', versions: [{ buildId: 'b1' }, { buildId: 'b2' }] }, [grpcError(14, 'unavailable'), grpcError(8, 'too many requests')]);
    expect(await makeCurrent(target(service), fast)).toBe('promoted');
    expect(calls.set).toBe(3);
  });

  it('waits for the server to see the build poll, and says so when it never does', async () => {
    const { service, calls } = fakeService({ current: 'b1', versions: [{ buildId: 'b1' }] });
    await expect(makeCurrent(target(service), fast)).rejects.toThrow('build b2 of the worker deployment d could not be made current: the server has not seen its workers poll');
    expect(calls.set).toBe(0);
  });

  it('names the last refusal when the time runs out, and throws at once on one that is not transient', async () => {
    const busy = fakeService(
      { current: 'b1', versions: [{ buildId: 'b2' }] },
      Array.from({ length: 1000 }, () => grpcError(8, 'namespace rate limit exceeded')),
    );
    await expect(makeCurrent(target(busy.service), fast)).rejects.toThrow(/could not be made current: namespace rate limit exceeded/);
    const denied = fakeService({ current: 'b1', versions: [{ buildId: 'b2' }] }, [grpcError(7, 'permission denied')]);
    await expect(makeCurrent(target(denied.service), fast)).rejects.toThrow('permission denied');
    expect(denied.calls.set).toBe(1);
  });

  it.each([
    ['draining', { status: 4 }],
    ['drained', { status: 5 }],
    ['deactivated (a server that sends no status)', { lastDeactivationTime: { seconds: 1 } }],
  ])('at a worker start, leaves alone a build that was current and has been replaced (%s)', async (_, was) => {
    const { service, calls } = fakeService({
      current: 'b2',
      versions: [
        { buildId: 'b1', ...was },
        { buildId: 'b2', status: 2 },
      ],
    });
    expect(await makeCurrent(target(service, 'b1'), { ...fast, onlyIfNew: true })).toBe('replaced before');
    expect(calls.set).toBe(0);
    // An operator's explicit switch (a rollback) still does it.
    expect(await makeCurrent(target(service, 'b1'), fast)).toBe('promoted');
  });
});

describe('a worker promoting its own build at start', () => {
  const connection = (service: WorkflowService) => ({ workflowService: service }) as unknown as NativeConnection;

  it('keeps trying in the background after a failure instead of leaving every order waiting', async () => {
    const { service, calls } = fakeService({ current: 'b1', versions: [{ buildId: 'b1' }, { buildId: 'b2' }] }, [grpcError(7, 'permission denied')]);
    const stop = promoteOwnBuild(connection(service), 'default', { deploymentName: 'd', buildId: 'b2', promoteOnStart: true }, createLogger('silent'), 5);
    try {
      for (const deadline = Date.now() + 5_000; calls.set < 2 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 5));
      expect(calls.set).toBe(2);
    } finally {
      stop();
    }
  });

  it('does nothing with promotion off or without a build id', async () => {
    const { service, calls } = fakeService({ current: 'b1', versions: [{ buildId: 'b1' }, { buildId: 'b2' }] });
    promoteOwnBuild(connection(service), 'default', { deploymentName: 'd', buildId: 'b2', promoteOnStart: false }, createLogger('silent'))();
    promoteOwnBuild(connection(service), 'default', { deploymentName: 'd', buildId: undefined, promoteOnStart: true }, createLogger('silent'))();
    await new Promise((r) => setTimeout(r, 20));
    expect(calls.describe).toBe(0);
  });
});
