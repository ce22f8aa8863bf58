import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// The rooms of shared/DESIGN.md as a rule the test run enforces: a source file imports only from its own room and
// the rooms below it. Tests and test helpers may reach down further (an integration test of tasks/ needs a real
// sandbox) but never up into cli/ or tui/.

const ROOT = resolve(import.meta.dirname, '..');
const SANDBOX_TYPES = 'evaluator/sandbox/types.ts';
const TUI_PORT = 'lineage/read-api.ts';

/** Why `from` (a file) may not import `to` (a file), or undefined when it may. Paths are relative to the root. */
export function wallBetween(from: string, to: string): string | undefined {
  const room = (p: string) => p.split('/')[0] ?? '';
  const [a, b] = [room(from), room(to)];
  if (a === b || b === 'node_modules') return undefined;
  const isTest = /\.test\.tsx?$/.test(from) || /(^|\/)testing\//.test(from) || a === 'test' || a === 'bench';
  // The one exception: any test may drive the CLI in-process through its test helper.
  if (isTest && to.startsWith('cli/testing/')) return undefined;
  if (b === 'cli' || (b === 'tui' && a !== 'cli' && !isTest)) return `${a}/ may not import ${b}/ (upward)`;
  if (isTest) return undefined;
  const may: Record<string, (target: string) => boolean> = {
    agent: (t) => t === SANDBOX_TYPES,
    tasks: (t) => t === SANDBOX_TYPES,
    evaluator: (t) => ['agent', 'tasks'].includes(room(t)),
    lineage: (t) => ['agent', 'tasks', 'evaluator'].includes(room(t)),
    tui: (t) => t === TUI_PORT,
    cli: () => true,
  };
  const rule = may[a];
  if (!rule) return undefined;
  if (rule(to)) return undefined;
  if (a === 'tui') return `tui/ reads lineage through ${TUI_PORT} only`;
  if (a === 'agent' || a === 'tasks')
    return `${a}/ may import only the Sandbox types (${SANDBOX_TYPES}) from evaluator/`;
  return `${a}/ may not import ${b}/`;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (['node_modules', 'suites', 'fixtures', '.git'].includes(name)) return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return info.importedFiles
    .map((f) => f.fileName)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => relative(ROOT, resolve(dirname(file), spec.replace(/\.js$/, '.ts').replace(/\.jsx$/, '.tsx'))))
    .map((p) => p.split(sep).join('/'))
    .map((p) => (p.endsWith('.ts') || p.endsWith('.tsx') || p.endsWith('.json') ? p : `${p}.ts`));
}

export function crossings(): string[] {
  const rooms = ['agent', 'tasks', 'evaluator', 'lineage', 'tui', 'cli', 'bench', 'test'];
  const found: string[] = [];
  for (const file of rooms.flatMap((r) => sourceFiles(join(ROOT, r)))) {
    const from = relative(ROOT, file).split(sep).join('/');
    for (const to of importsOf(file)) {
      const why = wallBetween(from, to.replace(/\.tsx\.ts$/, '.tsx'));
      if (why) found.push(`${from} -> ${to}: ${why}`);
    }
  }
  return found;
}

describe('the rooms', () => {
  it('no source file imports across a wall', () => {
    expect(crossings()).toEqual([]);
  });

  it('the rule catches each kind of crossing', () => {
    expect(wallBetween('agent/loop.ts', 'evaluator/gateway/gateway.ts')).toMatch(/only the Sandbox types/);
    expect(wallBetween('agent/loop.ts', SANDBOX_TYPES)).toBeUndefined();
    expect(wallBetween('tasks/grade.ts', 'lineage/read.ts')).toMatch(/only the Sandbox types/);
    expect(wallBetween('evaluator/run-one.ts', 'lineage/db/repos/run-store.ts')).toMatch(/may not import lineage/);
    expect(wallBetween('lineage/read.ts', 'tui/app.tsx')).toMatch(/upward/);
    expect(wallBetween('lineage/read.ts', 'cli/output.ts')).toMatch(/upward/);
    expect(wallBetween('tui/app.tsx', 'lineage/read.ts')).toMatch(/read-api/);
    expect(wallBetween('tui/app.tsx', TUI_PORT)).toBeUndefined();
    expect(wallBetween('tasks/grading.test.ts', 'evaluator/sandbox/docker.ts')).toBeUndefined();
    expect(wallBetween('lineage/x.test.ts', 'cli/output.ts')).toMatch(/upward/);
    expect(wallBetween('lineage/x.test.ts', 'cli/testing/run-cli.ts')).toBeUndefined();
    expect(wallBetween('lineage/x.ts', 'cli/testing/run-cli.ts')).toMatch(/upward/);
  });
});
