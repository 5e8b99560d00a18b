import { defineConfig } from 'vitest/config';

// `npm run test:chaos`: the chaos tests on the cluster (Temporal on PostgreSQL, the API and three
// worker processes). Kept out of `npm test`'s projects: they start their own cluster and take minutes.
export default defineConfig({
  test: {
    include: ['test/chaos/**/*.test.ts'],
    testTimeout: 600_000,
    // The Temporal server, its SQL tool and the Web UI are built from the Go module proxy before any
    // test (up to about 9 minutes cold on 2 busy cores: 432 s seen for the server alone).
    globalSetup: ['test/setup/chaos-binaries.ts'],
    hookTimeout: 300_000,
    fileParallelism: false,
  },
});
