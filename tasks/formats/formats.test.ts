import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSuite } from '../suite.js';
import { formatOf, registerTaskFormat, taskFormats } from './index.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'evolve-formats-'));

describe('task format registry', () => {
  it('reads a folder of task folders of a format added with one registry call, beside the built-in formats', () => {
    const builtin = loadSuite('builtin').tasks;
    // A toy format: a folder holding `same-as.txt` names a built-in task, and is that task under its own id.
    const unregister = registerTaskFormat({
      name: 'same-as',
      describe: 'a folder with same-as.txt',
      recognises: (path, isDirectory) => isDirectory && existsSync(join(path, 'same-as.txt')),
      load: (path, ctx) => {
        const of = readFileSync(join(path, 'same-as.txt'), 'utf8').trim();
        const task = builtin.find((t) => t.id === of);
        if (!task) throw new Error(`${path}: no built-in task ${of}`);
        return [{ ...task, id: path.split('/').at(-1)!, suite: ctx.suite }];
      },
    });
    expect(() => registerTaskFormat({ ...taskFormats()[0]! })).toThrow(/already registered/);
    const root = join(tmp(), 'mixed');
    for (const [name, of] of [
      ['copy-1', builtin[0]!.id],
      ['copy-2', builtin[1]!.id],
    ] as const) {
      mkdirSync(join(root, name), { recursive: true });
      writeFileSync(join(root, name, 'same-as.txt'), `${of}\n`);
    }
    mkdirSync(join(root, 'notes')); // a folder no format reads is not a task
    const suite = loadSuite(root);
    expect(suite.name).toBe('mixed');
    expect(suite.tasks.map((t) => [t.id, t.suite, t.kind])).toEqual([
      ['copy-1', 'mixed', builtin[0]!.kind],
      ['copy-2', 'mixed', builtin[1]!.kind],
    ]);
    expect(formatOf(join(root, 'notes'), true)).toBeUndefined();
    // Registered formats live as long as the process: later test files in this worker must not read `same-as`.
    unregister();
    expect(taskFormats().map((f) => f.name)).not.toContain('same-as');
    expect(formatOf(join(root, 'copy-1'), true)).toBeUndefined();
  });

  it('a suite file no format reads fails naming the file and the formats it could have been', () => {
    const file = join(tmp(), 'tasks.csv');
    writeFileSync(file, 'id,repo\n');
    const error = (() => {
      try {
        loadSuite(file);
      } catch (e) {
        return e as Error & { hint?: string };
      }
    })();
    expect(error?.message).toBe(`no task format reads ${file}`);
    expect(error?.hint).toContain('a Terminal-Bench or Harbor task folder (task.yaml or task.toml)');
    expect(error?.hint).toContain('a SWE-bench .jsonl/.json file of instances');
  });

  it('names the built-in formats in the order they are tried', () => {
    expect(
      taskFormats()
        .map((f) => f.name)
        .slice(0, 2),
    ).toEqual(['terminal-bench', 'swe-bench']);
  });
});
