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

// Four projects. `unit` needs nothing running (pure domain code, clients against in-process
// simulators, and the attacks in test/security that need no server); `workflows` runs the real
// workflow bundle (built once per run) against fake activities on one time-skipping Temporal dev
// server, no PostgreSQL (test/workflows/support/); `integration` gets one real Temporal dev server
// and one fresh PostgreSQL database per run from the global setup, every stack isolated by its own
// store code and task queues. Those three run together, three files at a time: most integration
// files wait for simulated faults in real time, so a 2-core machine has room for more than one.
// `integration-alone` (RUN_ALONE) runs after them, one file at a time, with its own server and database.
export default defineConfig({
  test: {
    maxWorkers: 3,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/contract/**/*.test.ts', 'test/security/**/*.test.ts'],
          // Attacks on the running service need the real servers: they run with the integration project.
          exclude: ['test/security/**/*.stack.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'workflows',
          include: ['test/workflows/**/*.test.ts'],
          globalSetup: ['test/workflows/support/global-setup.ts'],
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
