import { defineConfig } from 'vitest/config';

// Three projects: `unit` needs nothing running (pure domain code, clients against in-process
// simulators, and the attacks in test/security that need no server); `workflows` runs the real
// workflow bundle (built once per run) against fake activities on one time-skipping Temporal dev
// server, no PostgreSQL (test/workflows/support/); `integration` gets one real
// Temporal dev server and one fresh PostgreSQL database per run from the global setup. Files run one
// at a time in integration: 2 cores, one server.
export default defineConfig({
  test: {
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
          include: ['test/integration/**/*.test.ts', 'test/security/**/*.stack.test.ts'],
          globalSetup: ['test/setup/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
