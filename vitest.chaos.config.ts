import { defineConfig } from 'vitest/config';

// `npm run test:chaos`: the chaos tests on the cluster (Temporal on PostgreSQL, the API and three
// worker processes). Kept out of `npm test`'s projects: they start their own cluster and take minutes.
export default defineConfig({
  test: {
    include: ['test/chaos/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 300_000,
    fileParallelism: false,
  },
});
