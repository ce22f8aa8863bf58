import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformSync } from 'esbuild';
import { TaskKind } from './schema.js';

// The grader's identity, for the record of validated tasks (validated.ts): a digest of the source of the code that
// grades a task of one kind and runs the reference solvers, so a task validated before the grader changed is not
// "validated" after. The files are found by following imports from the kind's grader module and the grading entry
// points, not listed by hand (a list goes stale). What is hashed is each file as it runs (esbuild's output: no types,
// no comments, one layout), so a comment, a type or a reformat re-validates nothing; another kind's grader is left
// out and the registry of graders counts only as itself, so one kind's grader changing keeps the other's records.

const TASKS_DIR = dirname(fileURLToPath(import.meta.url));
/** Where grading starts besides the kind's grader: the grading call, the verdict's reading, the reference solvers. */
const ENTRY_POINTS = ['grade.ts', 'outcome.ts', 'solvers.ts'];

/** A module as it runs: types, comments and layout gone (esbuild, as tsx runs it). */
export function runtimeCode(file: string): string {
  const loader = file.endsWith('.tsx') ? 'tsx' : file.endsWith('.ts') ? 'ts' : 'js';
  return transformSync(readFileSync(file, 'utf8'), { loader, format: 'esm', legalComments: 'none' }).code;
}

/** Relative specifiers a module's code imports or re-exports (static and dynamic). */
export function relativeImports(code: string): string[] {
  const found: string[] = [];
  for (const m of code.matchAll(/^\s*(?:import|export)\s[^'";]*?['"](\.{1,2}\/[^'"]+)['"]/gm)) found.push(m[1]!);
  for (const m of code.matchAll(/\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g)) found.push(m[1]!);
  return found;
}

/** The file an import names: TypeScript sources are imported by their `.js` name. */
function resolveImport(from: string, specifier: string): string | undefined {
  const path = resolve(dirname(from), specifier);
  const stem = path.replace(/\.js$/, '');
  return [`${stem}.ts`, `${stem}.tsx`, path].find((p) => existsSync(p));
}

/**
 * A digest of the modules reachable from `roots` by imports, each by its path relative to `base` and its runtime
 * code. `leaves` are hashed but not followed; `exclude` is neither.
 */
export function sourceDigest(
  roots: string[],
  options: { base: string; leaves?: string[]; exclude?: string[] },
): string {
  const code = new Map<string, string>();
  const leaves = new Set(options.leaves ?? []);
  const exclude = new Set(options.exclude ?? []);
  const visit = (file: string) => {
    if (code.has(file) || exclude.has(file)) return;
    const js = runtimeCode(file);
    code.set(file, js);
    if (leaves.has(file)) return;
    for (const spec of relativeImports(js)) {
      const next = resolveImport(file, spec);
      if (next) visit(next);
    }
  };
  for (const root of roots) visit(root);
  const h = createHash('sha256');
  for (const [file, js] of [...code].sort(([a], [b]) => a.localeCompare(b)))
    h.update(`${relative(options.base, file).split(sep).join('/')}\0${js.length}\0${js}\0`);
  return h.digest('hex').slice(0, 16);
}

const byKind = new Map<TaskKind, string>();

/**
 * The grading code of a task kind: its grader module (graders/<kind>.ts) and the entry points, with what they import.
 * `tasksDir` is this folder unless a test gives a copy of it.
 */
export function graderCodeId(kind: TaskKind, tasksDir = TASKS_DIR): string {
  const known = tasksDir === TASKS_DIR ? byKind.get(kind) : undefined;
  if (known) return known;
  const module = (k: string) => join(tasksDir, 'graders', `${k}.ts`);
  if (!existsSync(module(kind))) throw new Error(`no grader module for task kind "${kind}" (${module(kind)})`);
  const id = sourceDigest([module(kind), ...ENTRY_POINTS.map((f) => join(tasksDir, f))], {
    base: tasksDir,
    leaves: [join(tasksDir, 'graders', 'index.ts')],
    exclude: TaskKind.options.filter((k) => k !== kind).map(module),
  });
  if (tasksDir === TASKS_DIR) byKind.set(kind, id);
  return id;
}
