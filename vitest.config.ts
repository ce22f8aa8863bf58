import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts', '**/*.test.tsx'],
    exclude: ['node_modules/**', 'tasks/suites/**'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Docker-backed tests share one engine on a 2-core machine; files run in parallel, tests inside a file serially.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
