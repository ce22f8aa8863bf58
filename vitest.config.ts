import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';
import { LongestFirst } from './test/longest-first.js';
import { projectFiles, testFiles } from './test/projects.js';

// Three projects, chosen by what a test file needs (test/projects.ts): `docker`, `e2e`, `unit` (seconds).
const root = import.meta.dirname;
const files = testFiles(root);
const byProject = projectFiles(root);

// `unit` files share worker processes (no fresh process per file): importing the product's modules once per worker
// instead of once per file is most of the project's time. test/no-leaks.ts fails a file that leaves process-wide
// state (environment, cwd, colour level, timers, listeners) behind for the next.
const UNIT = { isolate: false, setupFiles: ['test/no-leaks.ts'] };

// `postgres`: database tests marked `// vitest project: postgres too` run a second time with every workspace's
// database on the Postgres server in EVOLVE_TEST_POSTGRES_URL (lineage/db/testing/workspaces-on-postgres.ts). Without
// that server the project is left out, unless EVOLVE_REQUIRE_POSTGRES=1 (CI) makes that an error.
const postgresUrl = process.env.EVOLVE_TEST_POSTGRES_URL?.trim();
if (!postgresUrl && process.env.EVOLVE_REQUIRE_POSTGRES === '1')
  throw new Error('EVOLVE_REQUIRE_POSTGRES=1 but EVOLVE_TEST_POSTGRES_URL is not set');
const postgresToo = files.filter((f) =>
  /^\/\/ vitest project: postgres too/m.test(readFileSync(join(root, f), 'utf8')),
);

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Docker-backed tests share one engine on a 2-core machine; files run in parallel, tests inside a file serially.
    fileParallelism: true,
    maxWorkers: 2,
    // Longest files first across the projects, so no file of minutes starts last (test/longest-first.ts).
    sequence: { sequencer: LongestFirst },
    projects: [
      ...(['unit', 'docker', 'e2e'] as const).map((name) => ({
        extends: true as const,
        test: { name, include: byProject[name], ...(name === 'unit' ? UNIT : {}) },
      })),
      ...(postgresUrl
        ? [
            {
              extends: true as const,
              test: {
                name: 'postgres',
                include: postgresToo,
                setupFiles: ['lineage/db/testing/workspaces-on-postgres.ts'],
              },
            },
          ]
        : []),
    ],
  },
});
