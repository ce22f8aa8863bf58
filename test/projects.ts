import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

// Which vitest project a test file runs in, chosen by what it needs: `docker` (a real engine, through test/docker.ts),
// `e2e` (the real `evolve` binary, or a line `// vitest project: e2e` for files of real process trees, whole-agent
// runs, simulations and the browser check), `unit` (the rest: seconds). Each file is in exactly one of them.

export type Project = 'unit' | 'docker' | 'e2e';

const SKIP = new Set(['node_modules', '.git', 'suites', 'fixtures']);

/** Every test file under `root` (task suites and fixtures hold none), relative to it. */
export function testFiles(root: string, dir = root): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (SKIP.has(name)) return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return testFiles(root, path);
    return /\.test\.tsx?$/.test(name) ? [relative(root, path)] : [];
  });
}

export function projectOf(text: string): Project {
  if (/describeDocker|test\/docker\.js/.test(text)) return 'docker';
  if (/bin\.mjs|^\/\/ vitest project: e2e/m.test(text)) return 'e2e';
  return 'unit';
}

/** The test files of each project. */
export function projectFiles(root: string): Record<Project, string[]> {
  const out: Record<Project, string[]> = { unit: [], docker: [], e2e: [] };
  for (const file of testFiles(root)) out[projectOf(readFileSync(join(root, file), 'utf8'))].push(file);
  return out;
}
