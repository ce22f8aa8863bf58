import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { createHash } from 'node:crypto';
import { taskContentId } from './content-id.js';
import { TaskLoadError } from './errors.js';
import { graderCodeId } from './grader-identity.js';
import type { Task } from './schema.js';

// A suite's record of validated tasks (validated.json beside suite.json): task id -> the task's validation key when
// `evolve tasks validate --record` last saw the oracle resolve it and the null solver not. The key covers what the
// verdict depends on: the task as it is (its content id), the code that grades it and runs the reference solvers
// (grader-identity.ts) and the image it ran in (evaluator/validation-image.ts gives its identity). A task whose key
// still matches was validated as it is now, by this grader, in this image; a new or edited task, a changed grader
// or another image was not. The built-in suite commits its record, so its test run validates in Docker only what
// changed since, plus one task of each grading convention, instead of every task each time.

export const VALIDATED_FILE = 'validated.json';

export const ValidatedRecord = z.record(z.string().min(1), z.string().regex(/^[0-9a-f]{16}$/));
export type ValidatedRecord = z.infer<typeof ValidatedRecord>;

export interface ValidationContext {
  /** Each task's image identity by task id (evaluator/validation-image.ts computes it; tasks/ does not know images). */
  images: ReadonlyMap<string, string>;
  /** A task kind's grading code identity: grader-identity.ts's digest of the code as it is, unless given. */
  grader?: (kind: Task['kind']) => string;
}

/** What a validation depends on: the task (its content id), its kind's grading code, and the image it ran in. */
export function validationKey(task: Task, context: ValidationContext): string {
  const image = context.images.get(task.id);
  if (image === undefined) throw new Error(`no validation image identity for task ${task.id}`);
  const parts = { task: taskContentId(task), grader: (context.grader ?? graderCodeId)(task.kind), image };
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 16);
}

/** The record of a suite folder; none yet is an empty record, a malformed one an error naming the file and entry. */
export function readValidated(suiteDir: string): ValidatedRecord {
  const file = join(suiteDir, VALIDATED_FILE);
  if (!existsSync(file)) return {};
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new TaskLoadError(file, undefined, undefined, `not JSON: ${(error as Error).message}`);
  }
  const parsed = ValidatedRecord.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new TaskLoadError(file, issue.path.join('.') || undefined, undefined, `${issue.message} (task id -> key)`);
  }
  return parsed.data;
}

/** Tasks whose current validation key the record does not hold: new, edited, never validated, regraded, re-imaged. */
export function unvalidated(tasks: Task[], record: ValidatedRecord, context: ValidationContext): Task[] {
  return tasks.filter((t) => record[t.id] !== validationKey(t, context));
}

/**
 * The record after a validation: tasks that passed take their current key, tasks that failed lose theirs, tasks not
 * validated this time keep theirs while the suite still has them. Written whole (temp file, then rename).
 */
export function recordValidated(
  suiteDir: string,
  suiteTasks: Task[],
  results: Array<{ taskId: string; ok: boolean }>,
  context: ValidationContext,
): ValidatedRecord {
  const before = readValidated(suiteDir);
  const byId = new Map(suiteTasks.map((t) => [t.id, t]));
  const next: ValidatedRecord = {};
  for (const [id, key] of Object.entries(before)) if (byId.has(id)) next[id] = key;
  for (const r of results) {
    const task = byId.get(r.taskId);
    if (r.ok && task) next[r.taskId] = validationKey(task, context);
    else delete next[r.taskId];
  }
  const sorted = Object.fromEntries(Object.entries(next).sort(([a], [b]) => a.localeCompare(b)));
  const file = join(suiteDir, VALIDATED_FILE);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(sorted, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
  return sorted;
}

/** A record lives in a suite folder; a suite read from a .jsonl/.json file has none. */
export const canRecord = (suiteSource: string) => statSync(suiteSource).isDirectory();

/**
 * A task's grading convention: what the grader does differently between tasks (task format, how the workspace is
 * put in place, log parser and mode, kind of gold solution, image by tag or built from a recipe).
 */
export function gradingConvention(task: Task): string {
  const g = task.grader;
  return [
    task.kind,
    task.workspace.kind,
    g.logParser,
    g.kind === 'terminal-bench' ? g.mode : 'log',
    task.gold?.kind ?? 'no-gold',
    task.environment.dockerfile ? 'recipe' : 'image',
  ].join('/');
}

/** The first task by id of each grading convention. */
export function conventionSample(tasks: Task[]): Task[] {
  const first = new Map<string, Task>();
  for (const t of [...tasks].sort((a, b) => a.id.localeCompare(b.id))) {
    const c = gradingConvention(t);
    if (!first.has(c)) first.set(c, t);
  }
  return [...first.values()];
}
