import { appendFileSync, cpSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TaskLoadError } from './errors.js';
import type { Task } from './schema.js';
import { BUILTIN_DIR, loadSuite } from './suite.js';
import {
  conventionSample,
  gradingConvention,
  readValidated,
  recordValidated,
  unvalidated,
  VALIDATED_FILE,
  validationKey,
} from './validated.js';
import { graderCodeId } from './grader-identity.js';

// The record of validated tasks: which tasks a test run (or `evolve tasks validate --unvalidated`) must validate
// again, and how `--record` keeps it.

/** A suite folder holding copies of built-in tasks (`swe/<id>` or `tb/<id>`). */
function suiteOf(...tasks: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'evolve-validated-'));
  for (const t of tasks) cpSync(join(BUILTIN_DIR, t), join(dir, t), { recursive: true });
  return dir;
}
/** Every task in one image (as the built-in suite's tasks are), graded by the code as it is. */
const oneImage = (tasks: Task[], image = 'evolve/env-python:0123456789ab from evolve/base:bookworm') => ({
  images: new Map(tasks.map((t) => [t.id, image])),
});
const keys = (dir: string) => {
  const tasks = loadSuite(dir).tasks;
  return new Map(tasks.map((t) => [t.id, validationKey(t, oneImage(tasks))]));
};

describe('validated tasks record', () => {
  it("a task's key changes with its repository files, hidden tests or tests folder, not when the suite moves", () => {
    const dir = suiteOf('swe/cachet__cachet-2', 'swe/textkit__textkit-2', 'tb/csv-report-2');
    const before = keys(dir);
    writeFileSync(join(dir, 'swe/cachet__cachet-2/repo/NOTES.txt'), 'a file added to the repository\n');
    const afterRepo = keys(dir);
    expect(afterRepo.get('cachet__cachet-2')).not.toBe(before.get('cachet__cachet-2'));
    expect(afterRepo.get('textkit__textkit-2')).toBe(before.get('textkit__textkit-2'));
    const patch = join(dir, 'swe/textkit__textkit-2/instance.json');
    const instance = JSON.parse(readFileSync(patch, 'utf8'));
    writeFileSync(patch, JSON.stringify({ ...instance, PASS_TO_PASS: [] }));
    expect(keys(dir).get('textkit__textkit-2')).not.toBe(before.get('textkit__textkit-2'));
    appendFileSync(join(dir, 'tb/csv-report-2/tests/test_outputs.py'), '\n# edited\n');
    expect(keys(dir).get('csv-report-2')).not.toBe(before.get('csv-report-2'));

    const moved = join(mkdtempSync(join(tmpdir(), 'evolve-validated-moved-')), 'suite');
    const now = keys(dir);
    renameSync(dir, moved);
    expect(keys(moved)).toEqual(now);
  });

  it('record: a valid task takes its key, an invalid one and a task the suite no longer has lose theirs', () => {
    const dir = suiteOf('swe/cachet__cachet-2', 'swe/textkit__textkit-2');
    const tasks = loadSuite(dir).tasks;
    const context = oneImage(tasks);
    expect(readValidated(dir)).toEqual({});
    expect(unvalidated(tasks, {}, context).map((t) => t.id)).toEqual(['cachet__cachet-2', 'textkit__textkit-2']);
    writeFileSync(join(dir, VALIDATED_FILE), JSON.stringify({ gone__gone: '0123456789abcdef' }));
    const record = recordValidated(
      dir,
      tasks,
      [
        { taskId: 'cachet__cachet-2', ok: true },
        { taskId: 'textkit__textkit-2', ok: false },
      ],
      context,
    );
    expect(record).toEqual({ 'cachet__cachet-2': validationKey(tasks[0]!, context) });
    expect(readValidated(dir)).toEqual(record);
    expect(unvalidated(tasks, record, context).map((t) => t.id)).toEqual(['textkit__textkit-2']);
    // A later validation of the other task keeps the first one's entry.
    recordValidated(dir, tasks, [{ taskId: 'textkit__textkit-2', ok: true }], context);
    expect(unvalidated(tasks, readValidated(dir), context)).toEqual([]);
  });

  it('a task recorded as validated is not validated once the grading code of its kind changes, or in another image', () => {
    const dir = suiteOf('swe/cachet__cachet-2', 'tb/csv-report-2');
    const tasks = loadSuite(dir).tasks;
    const graders = { swebench: 'swe-grader-1', 'terminal-bench': 'tb-grader-1' };
    const at = (g: typeof graders, image?: string) => ({
      ...oneImage(tasks, image),
      grader: (k: Task['kind']) => g[k],
    });
    recordValidated(
      dir,
      tasks,
      tasks.map((t) => ({ taskId: t.id, ok: true })),
      at(graders),
    );
    const stale = (context: ReturnType<typeof at>) => unvalidated(tasks, readValidated(dir), context).map((t) => t.id);
    expect(stale(at(graders))).toEqual([]);
    expect(stale(at({ ...graders, swebench: 'swe-grader-2' }))).toEqual(['cachet__cachet-2']);
    expect(stale(at({ ...graders, 'terminal-bench': 'tb-grader-2' }))).toEqual(['csv-report-2']);
    expect(stale(at(graders, 'evolve/env-python:ba9876543210 from evolve/base:bookworm'))).toEqual([
      'cachet__cachet-2',
      'csv-report-2',
    ]);
    // The grading code's own identity is what the key holds unless a test stands in for it.
    const real = oneImage(tasks);
    const key = validationKey(tasks[0]!, real);
    expect(validationKey(tasks[0]!, { ...real, grader: graderCodeId })).toBe(key);
    expect(validationKey(tasks[0]!, { ...real, grader: () => 'another' })).not.toBe(key);
    expect(() => validationKey(tasks[0]!, { images: new Map() })).toThrow(
      /no validation image identity for task cachet__cachet-2/,
    );
  });

  it('a malformed record is an error naming the file and the entry', () => {
    const dir = suiteOf();
    writeFileSync(join(dir, VALIDATED_FILE), '{"cachet__cachet-2": 7}');
    expect(() => readValidated(dir)).toThrow(TaskLoadError);
    expect(() => readValidated(dir)).toThrow(/validated\.json \(cachet__cachet-2\)/);
    writeFileSync(join(dir, VALIDATED_FILE), '{nope');
    expect(() => readValidated(dir)).toThrow(/validated\.json: not JSON/);
  });

  it('the built-in suite has two grading conventions, SWE-bench and Terminal-Bench, and a record of its tasks', () => {
    const suite = loadSuite('builtin');
    const sample = conventionSample(suite.tasks);
    expect(sample.map((t) => t.kind).sort()).toEqual(['swebench', 'terminal-bench']);
    expect(new Set(suite.tasks.map(gradingConvention)).size).toBe(sample.length);
    // The record names only tasks the suite has (a removed task's entry goes with it).
    const ids = new Set(suite.tasks.map((t) => t.id));
    expect(Object.keys(readValidated(suite.source)).filter((id) => !ids.has(id))).toEqual([]);
  });
});
