import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { assertNoEscapingLinks } from './links.js';
import { taskContentId } from './content-id.js';
import { TaskLoadError } from './errors.js';
import type { Task } from './schema.js';
import { formatOf, type LoadContext, taskFormats } from './formats/index.js';
import type { SweSources } from './swebench.js';

// A suite: tasks from one source, a fixed train / held-out split stored with it, and named subsets.

export const BUILTIN_DIR = join(dirname(fileURLToPath(import.meta.url)), 'suites', 'builtin');

export const SuiteMeta = z.strictObject({
  name: z.string().optional(),
  /** Task ids no proposer ever sees: the held-out split. */
  split: z.strictObject({ heldout: z.array(z.string()) }).optional(),
  subsets: z.record(z.string(), z.array(z.string())).default({}),
});

/** How a suite's tasks run, whatever the tasks say: set per suite in evolve.json, or by a command's flags. */
export const SuiteSettings = z.strictObject({
  /** The user agents work as (e.g. "agent" for an unprivileged agent where the harness would use root). */
  agentUser: z.string().min(1).optional(),
  /** Replace every task's agent timeout (task.yaml max_agent_timeout_sec, task.toml [agent] timeout_sec). */
  agentTimeoutSec: z.number().positive().optional(),
  /** Replace every task's test/verifier timeout (max_test_timeout_sec, [verifier] timeout_sec). */
  testTimeoutSec: z.number().positive().optional(),
});
export type SuiteSettings = z.infer<typeof SuiteSettings>;

/** evolve.json `suites` entry: a path, or a path with settings. */
export const SuiteEntry = z.union([z.string().min(1), SuiteSettings.extend({ path: z.string().min(1) })]);
export type SuiteEntry = z.infer<typeof SuiteEntry>;

/** The tasks with the settings applied (the settings become part of each task, so runs under them are told apart). */
export function applySuiteSettings(tasks: Task[], settings: SuiteSettings): Task[] {
  const { agentUser, agentTimeoutSec, testTimeoutSec } = settings;
  if (!agentUser && !agentTimeoutSec && !testTimeoutSec) return tasks;
  return tasks.map((t) => ({
    ...t,
    environment: agentUser ? { ...t.environment, agentUser } : t.environment,
    limits: {
      agentTimeoutSec: agentTimeoutSec ?? t.limits.agentTimeoutSec,
      testTimeoutSec: testTimeoutSec ?? t.limits.testTimeoutSec,
    },
  }));
}

export interface Suite {
  name: string;
  source: string;
  tasks: Task[];
  heldout: Set<string>;
  subsets: Record<string, string[]>;
}

/**
 * A deterministic ~25% held-out share by a hash of the task's content id, used when the suite ships no split of its
 * own: the same task lands on the same side whatever the suite is called or where its files are.
 */
export function hashSplit(task: Task): 'train' | 'heldout' {
  return createHash('sha256')
    .update(`split\0${taskContentId(task)}`)
    .digest()[0]! < 64
    ? 'heldout'
    : 'train';
}

/** Folders that only group task folders (the built-in suite's swe/ and tb/): their task folders join the suite. */
const GROUPING_FOLDERS = new Set(['swe', 'tb']);

function tasksInFolder(dir: string, ctx: LoadContext): Task[] {
  const tasks: Task[] = [];
  for (const name of readdirSync(dir).sort()) {
    const sub = join(dir, name);
    if (!statSync(sub).isDirectory()) continue;
    const format = formatOf(sub, true);
    if (format) {
      assertNoEscapingLinks(sub, name);
      tasks.push(...format.load(sub, ctx));
    } else if (GROUPING_FOLDERS.has(name)) tasks.push(...tasksInFolder(sub, ctx));
  }
  return tasks;
}

/** A suite's tasks from a path: a task folder or suite file some format reads, or a folder of task folders. */
function loadTasks(path: string, ctx: LoadContext): Task[] {
  const isDirectory = statSync(path).isDirectory();
  const format = formatOf(path, isDirectory);
  if (isDirectory) {
    if (!format) return tasksInFolder(path, ctx);
    assertNoEscapingLinks(path, ctx.suite);
    return format.load(path, ctx);
  }
  if (!format)
    throw Object.assign(new Error(`no task format reads ${path}`), {
      hint: `A suite is ${taskFormats()
        .map((f) => f.describe)
        .join('; or ')}; or a folder of such task folders.`,
    });
  return format.load(path, ctx);
}

/** Loads `builtin`, a name from evolve.json `suites`, or a path (.jsonl/.json instances, or a folder of task folders). */
export function loadSuite(
  nameOrPath: string,
  options: {
    suites?: Record<string, SuiteEntry>;
    sources?: SweSources;
    base?: string;
    /** Applied over the suite's own settings from `suites` (a command's flags). */
    settings?: SuiteSettings;
  } = {},
): Suite {
  const entry = options.suites?.[nameOrPath];
  const { path: entryPath, ...entrySettings } = typeof entry === 'string' ? { path: entry } : (entry ?? { path: '' });
  const path =
    nameOrPath === 'builtin'
      ? BUILTIN_DIR
      : entryPath
        ? resolve(options.base ?? '.', entryPath)
        : resolve(options.base ?? '.', nameOrPath);
  if (!existsSync(path)) {
    throw Object.assign(new Error(`no suite "${nameOrPath}": ${path} does not exist`), {
      hint: 'Use `builtin`, a name listed under "suites" in evolve.json, or the path of a SWE-bench .jsonl/.json file or a Terminal-Bench folder.',
    });
  }
  const name =
    entryPath || nameOrPath === 'builtin'
      ? nameOrPath
      : path
          .split('/')
          .filter(Boolean)
          .at(-1)!
          .replace(/\.(jsonl|json)$/, '');
  const loaded = loadTasks(path, { suite: name, sources: options.sources ?? {} });
  const tasks = applySuiteSettings(applySuiteSettings(loaded, entrySettings), options.settings ?? {});
  const ids = new Set<string>();
  for (const t of tasks) {
    if (ids.has(t.id)) throw new TaskLoadError(path, t.id, 'instance_id', 'the same task id appears twice');
    ids.add(t.id);
  }
  const metaFile = statSync(path).isDirectory() ? join(path, 'suite.json') : `${path}.suite.json`;
  let meta: z.infer<typeof SuiteMeta> = { subsets: {} };
  if (existsSync(metaFile)) {
    const parsed = SuiteMeta.safeParse(JSON.parse(readFileSync(metaFile, 'utf8')));
    if (!parsed.success)
      throw new TaskLoadError(
        metaFile,
        undefined,
        parsed.error.issues[0]!.path.join('.'),
        parsed.error.issues[0]!.message,
      );
    meta = parsed.data;
  }
  for (const [subset, members] of Object.entries(meta.subsets)) {
    const unknown = members.filter((m) => !ids.has(m));
    if (unknown.length)
      throw new TaskLoadError(metaFile, `subset ${subset}`, 'subsets', `unknown task ids: ${unknown.join(', ')}`);
  }
  const heldout = new Set(meta.split?.heldout ?? tasks.filter((t) => hashSplit(t) === 'heldout').map((t) => t.id));
  return { name, source: path, tasks, heldout, subsets: meta.subsets };
}

export interface Selection {
  split?: 'train' | 'heldout' | 'all';
  /** A named subset of the suite, or a number: the first that many tasks by id (firstTasks). */
  subset?: string | number;
  kinds?: Array<Task['kind']>;
}

/**
 * What `--subset N` means everywhere (eval, next-generation, tasks list, validate): the first N tasks by id, in
 * code-unit order as the database sorts them, so the tasks a command lists are the tasks an evaluation runs.
 */
export function firstTasks<T extends { id: string }>(tasks: T[], n: number): T[] {
  return [...tasks].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).slice(0, n);
}

export function selectTasks(suite: Suite, s: Selection = {}): Task[] {
  let tasks = suite.tasks;
  if (s.split && s.split !== 'all')
    tasks = tasks.filter((t) => (suite.heldout.has(t.id) ? 'heldout' : 'train') === s.split);
  if (s.kinds) tasks = tasks.filter((t) => s.kinds!.includes(t.kind));
  if (typeof s.subset === 'string' && !/^\d+$/.test(s.subset)) {
    const members = suite.subsets[s.subset];
    if (!members)
      throw Object.assign(new Error(`suite ${suite.name} has no subset "${s.subset}"`), {
        hint: `Known subsets: ${Object.keys(suite.subsets).join(', ') || 'none'}; or pass a number N for the first N tasks.`,
      });
    const keep = new Set(members);
    tasks = tasks.filter((t) => keep.has(t.id));
  } else if (s.subset !== undefined) {
    tasks = firstTasks(tasks, Number(s.subset));
  }
  return tasks;
}
