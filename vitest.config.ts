import { defineConfig } from 'vitest/config';

// Two projects: `unit` needs nothing running (pure domain code, clients against in-process
// simulators); `integration` gets one real Temporal dev server and one fresh PostgreSQL database
// per run from the global setup. Files run one at a time in integration: 2 cores, one server.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/contract/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/setup/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
