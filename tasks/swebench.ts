import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { TaskLoadError } from './errors.js';
import { parserNames } from './parsers/index.js';
import { type Task, Task as TaskSchema } from './schema.js';
import { missingImageHelp, type SweSources } from './swebench-env.js';
import { sweSpec, sweTestCommand } from './swebench-specs.js';

export type { SweSources } from './swebench-env.js';

// SWE-bench instances in the upstream formats (.jsonl, a .json list, or one instance folder) with the upstream
// field names, and the built-in suite's folders (instance.json + repo/ + gold.patch + test.patch).

/** FAIL_TO_PASS / PASS_TO_PASS arrive as lists or as JSON-encoded strings of lists. */
const TestList = z.union([
  z.array(z.string()),
  z.string().transform((s, ctx) => {
    try {
      const v: unknown = JSON.parse(s);
      if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
    } catch {}
    ctx.addIssue({ code: 'custom', message: 'expected a list of test ids or a JSON string of one' });
    return z.NEVER;
  }),
]);

export const SweInstance = z.looseObject({
  instance_id: z.string().min(1),
  repo: z.string().min(1),
  base_commit: z.string().optional(),
  patch: z.string().default(''),
  test_patch: z.string().min(1),
  problem_statement: z.string().min(1),
  hints_text: z.string().default(''),
  created_at: z.string().optional(),
  version: z.union([z.string(), z.number()]).transform(String).optional(),
  environment_setup_commit: z.string().optional(),
  FAIL_TO_PASS: TestList,
  PASS_TO_PASS: TestList.default([]),
  image: z.string().optional(),
  // evolve's additions (the built-in suite sets them; upstream rows do not have them)
  difficulty: z.enum(['easy', 'medium', 'hard']).optional(),
  tags: z.array(z.string()).optional(),
  /** The whole test command, run as it is in /testbed (nothing appended); its log must suit the row's parser. */
  test_command: z.string().optional(),
  /** A parser name from tasks/parsers (default: the repository's, else pytest). */
  log_parser: z
    .string()
    .refine((name) => parserNames().includes(name), {
      error: (iss) => `unknown log parser ${JSON.stringify(iss.input)} (known: ${parserNames().join(', ')})`,
    })
    .optional(),
  visible_test_command: z.string().optional(),
});
export type SweInstance = z.infer<typeof SweInstance>;

/** Upstream's run_evaluation --timeout default. */
export const UPSTREAM_TEST_TIMEOUT_SEC = 1800;

export function upstreamImageName(instanceId: string): string {
  return `swebench/sweb.eval.x86_64.${instanceId.replace(/__/g, '_1776_')}`.toLowerCase();
}

export function instanceToTask(
  row: SweInstance,
  suite: string,
  sources: SweSources = {},
  builtinRepoDir?: string,
): Task {
  const env = sources.environments?.[`${row.repo}@${row.version ?? ''}`] ?? sources.environments?.[row.repo];
  const spec = sweSpec(row.repo, row.version);
  const testCommand = row.test_command ?? env?.testCommand ?? sweTestCommand(spec, row.test_patch);
  // The row's image, else evolve.json's environment for the repo (an image, or a recipe built with the repository
  // at base_commit), else the built-in suite's, else upstream's instance image (pulled when absent).
  const repo = sources.repos?.[row.repo];
  const upstreamImage = upstreamImageName(row.instance_id);
  const environment = row.image
    ? { image: row.image }
    : env?.image
      ? { image: env.image }
      : env?.dockerfile
        ? {
            dockerfile: env.dockerfile,
            ...(repo && row.base_commit ? { repoSnapshot: { repo, commit: row.base_commit } } : {}),
          }
        : builtinRepoDir
          ? { image: 'evolve/python-env' }
          : { image: upstreamImage, missingImageHelp: missingImageHelp(row) };
  const workspace = builtinRepoDir
    ? { kind: 'dir' as const, path: builtinRepoDir }
    : repo && row.base_commit
      ? { kind: 'git' as const, repo, baseCommit: row.base_commit }
      : { kind: 'image' as const };
  return TaskSchema.parse({
    id: row.instance_id,
    suite,
    kind: 'swebench',
    statement: row.problem_statement,
    difficulty: row.difficulty ?? 'medium',
    tags: row.tags ?? [],
    environment: { ...environment, workdir: '/testbed', network: false },
    workspace,
    ...(row.visible_test_command ? { visibleTestCommand: row.visible_test_command } : {}),
    // Upstream's harness gives an instance's tests 30 minutes (run_evaluation --timeout 1800): a whole Django or
    // SymPy test module after a re-install can take many. The built-in suite's small packages keep the default.
    ...(builtinRepoDir ? {} : { limits: { agentTimeoutSec: 900, testTimeoutSec: UPSTREAM_TEST_TIMEOUT_SEC } }),
    grader: {
      kind: 'swebench',
      testPatch: row.test_patch,
      testCommand,
      logParser: row.log_parser ?? env?.logParser ?? spec.parser,
      failToPass: row.FAIL_TO_PASS,
      passToPass: row.PASS_TO_PASS,
    },
    ...(row.patch ? { gold: { kind: 'patch', patch: row.patch } } : {}),
    upstream: row,
  });
}

function parseRow(raw: unknown, file: string, entry: string): SweInstance {
  const parsed = SweInstance.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const id = (raw as { instance_id?: unknown })?.instance_id;
    throw new TaskLoadError(
      file,
      typeof id === 'string' ? `${entry}, instance ${id}` : entry,
      issue.path.join('.') || undefined,
      issue.message,
    );
  }
  return parsed.data;
}

/** Reads instances from a .jsonl file, a .json list (or single object), or an instance folder. */
export function readSweInstances(path: string): Array<{ row: SweInstance; dir?: string }> {
  if (statSync(path).isDirectory()) return [readInstanceFolder(path)];
  const text = readFileSync(path, 'utf8');
  if (path.endsWith('.jsonl')) {
    return text.split('\n').flatMap((line, i) => {
      if (!line.trim()) return [];
      let raw: unknown;
      try {
        raw = JSON.parse(line);
      } catch (e) {
        throw new TaskLoadError(path, `line ${i + 1}`, undefined, `not valid JSON (${(e as Error).message})`);
      }
      return [{ row: parseRow(raw, path, `line ${i + 1}`) }];
    });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new TaskLoadError(path, undefined, undefined, `not valid JSON (${(e as Error).message})`);
  }
  return (Array.isArray(raw) ? raw : [raw]).map((r, i) => ({ row: parseRow(r, path, `entry ${i}`) }));
}

/** A folder holding instance.json (or task.json), with patch, test_patch in sibling files when not inline. */
function readInstanceFolder(dir: string): { row: SweInstance; dir: string } {
  const file = ['instance.json', 'task.json'].map((f) => join(dir, f)).find(existsSync);
  if (!file) throw new TaskLoadError(dir, undefined, undefined, 'no instance.json in this task folder');
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new TaskLoadError(file, undefined, undefined, `not valid JSON (${(e as Error).message})`);
  }
  for (const [field, name] of [
    ['patch', 'gold.patch'],
    ['test_patch', 'test.patch'],
  ] as const) {
    if (raw[field] === undefined && existsSync(join(dir, name))) raw[field] = readFileSync(join(dir, name), 'utf8');
  }
  return { row: parseRow(raw, file, 'instance'), dir };
}
