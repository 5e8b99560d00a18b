import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';

/**
 * Integration files that must run alone, after the others (each reason checked by reading the file):
 * webhook-retention owns the retention schedule, whose id is fixed, and order-worker-crash's worker
 * processes create that same schedule at start-up (ensureDeliveryRetentionSchedule takes no id);
 * catalog-scale loads the machine for minutes. The rest share the run's server and database: each
 * stack has its own store, queues and a redispatcher of its own store's deliveries; the one file
 * that spawns `npm run worker` (order-worker-crash) is the only one on the production main queue.
 */
const RUN_ALONE = ['test/integration/webhook-retention.test.ts', 'test/integration/catalog-scale.test.ts'];
const INTEGRATION = ['test/integration/**/*.test.ts', 'test/security/**/*.stack.test.ts'];
/** What both integration projects get: a Temporal dev server and a fresh database each (test/setup/). */
const INTEGRATION_SERVERS = { globalSetup: ['test/setup/global-setup.ts'], testTimeout: 120_000, hookTimeout: 180_000 };
/**
 * Files share their worker's module cache (no module re-imported per file): the source tree, the
 * SDKs and the workflow bundle are loaded once per worker. That cut a unit run from 87 to 47 CPU-s
 * and nine integration files from 131 to 105 CPU-s here. State that must be once per process is
 * marked on the process (test/support/quiet-runtime.ts); a file that mocks a module re-imports what
 * uses it (vi.resetModules).
 */
const SHARED_MODULES = { isolate: false };

// Four projects. `unit` needs nothing running (pure domain code, clients against in-process
// simulators, and the attacks in test/security that need no server); `workflows` runs the real
// workflow bundle (built once per run) against fake activities on one time-skipping Temporal dev
// server, no PostgreSQL (test/workflows/support/); `integration` gets one real Temporal dev server
// and one fresh PostgreSQL database per run from the global setup, every stack isolated by its own
// store code and task queues. Those three run together, three files at a time: most integration
// files wait for simulated faults in real time, so a 2-core machine has room for more than one.
// `integration-alone` (RUN_ALONE) runs after them, one file at a time, with its own server and database.

/**
 * Seconds the slowest files take on a 2-core machine (measured; the rest take less than 20 s): the
 * order the files start in when vitest's cache (node_modules/.vite) has no duration for them yet.
 */
const SLOW_FILE_SECONDS: Record<string, number> = {
  'test/integration/order-unknown-outcomes.test.ts': 150,
  'test/integration/order-idempotency.test.ts': 120,
  'test/integration/catalog-sync.test.ts': 110,
  'test/integration/order-overlapping-attempts.test.ts': 103,
  'test/integration/npm-start.test.ts': 80,
  'test/integration/order-worker-crash.test.ts': 70,
  'test/workflows/order.test.ts': 70,
  'test/workflows/order-returns.test.ts': 60,
  'test/integration/product-sync.test.ts': 50,
  'test/workflows/stock.test.ts': 25,
  'test/unit/workflows/order-replay.test.ts': 25,
  'test/integration/stock-sync.test.ts': 25,
  'test/integration/sii-status.test.ts': 22,
  'test/integration/order-issuing.test.ts': 22,
  'test/integration/order-fiscal.test.ts': 21,
  'test/integration/ops-cli.test.ts': 20,
  'test/integration/credit-notes.test.ts': 20,
};

/**
 * Longest first, whatever the project: vitest's own sequencer runs the projects one after the other
 * (every integration file, then unit, then workflows), so the workflow files that take a minute or
 * more started last and ran on while the other workers had nothing left. Durations come from the
 * cache of earlier runs, else from SLOW_FILE_SECONDS; groups (`sequence.groupOrder`) keep their order.
 */
class LongestFirst extends BaseSequencer {
  override sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const expectedMs = (spec: TestSpecification) => {
      const path = relative(this.ctx.config.root, spec.moduleId).split('\\').join('/');
      return this.ctx.cache.getFileTestResults(`${spec.project.name}:${path}`)?.duration ?? (SLOW_FILE_SECONDS[path] ?? 0) * 1000;
    };
    const group = (spec: TestSpecification) => spec.project.config.sequence.groupOrder;
    return Promise.resolve([...files].sort((a, b) => group(a) - group(b) || expectedMs(b) - expectedMs(a)));
  }
}

export default defineConfig({
  test: {
    maxWorkers: 3,
    sequence: { sequencer: LongestFirst },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/contract/**/*.test.ts', 'test/security/**/*.test.ts'],
          // Attacks on the running service need the real servers: they run with the integration project.
          exclude: ['test/security/**/*.stack.test.ts'],
          testTimeout: 20_000,
          ...SHARED_MODULES,
        },
      },
      {
        test: {
          name: 'workflows',
          include: ['test/workflows/**/*.test.ts'],
          globalSetup: ['test/workflows/support/global-setup.ts'],
          ...SHARED_MODULES,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: INTEGRATION,
          exclude: RUN_ALONE,
          ...INTEGRATION_SERVERS,
          ...SHARED_MODULES,
        },
      },
      {
        test: {
          name: 'integration-alone',
          include: RUN_ALONE,
          ...INTEGRATION_SERVERS,
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
