import { defineConfig } from 'vitest/config';

// 2-core machines: two forks at most; integration tests talk to real servers, so allow time.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: true,
  },
});
