import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { defineConfig } from 'vitest/config';

// Three projects, chosen by what a test file needs: `docker` (a real engine, through test/docker.ts), `e2e` (the
// real `evolve` binary, or a first line `// vitest project: e2e` for whole-agent runs), `unit` (the rest: seconds).
const root = import.meta.dirname;
const skip = new Set(['node_modules', '.git', 'suites', 'fixtures']);

function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (skip.has(name)) return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return testFiles(path);
    return /\.test\.tsx?$/.test(name) ? [relative(root, path)] : [];
  });
}

const kind = (file: string): 'docker' | 'e2e' | 'unit' => {
  const text = readFileSync(join(root, file), 'utf8');
  if (/describeDocker|test\/docker\.js/.test(text)) return 'docker';
  if (/bin\.mjs|^\/\/ vitest project: e2e/m.test(text)) return 'e2e';
  return 'unit';
};
const files = testFiles(root);
const of = (k: ReturnType<typeof kind>) => files.filter((f) => kind(f) === k);

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Docker-backed tests share one engine on a 2-core machine; files run in parallel, tests inside a file serially.
    fileParallelism: true,
    maxWorkers: 2,
    projects: (['unit', 'docker', 'e2e'] as const).map((name) => ({
      extends: true as const,
      test: { name, include: of(name) },
    })),
  },
});
