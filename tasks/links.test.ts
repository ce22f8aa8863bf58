import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSuite } from './suite.js';

// A Terminal-Bench folder with `leak -> /proc/self/environ` (then `COPY leak /app/`) would bake evolve's
// environment, keys included, into an image. Such a folder is refused when the suite loads, naming task and path.

function tbSuite(links: Record<string, string>): string {
  const suite = mkdtempSync(join(tmpdir(), 'evolve-links-'));
  const task = join(suite, 'leaky-task');
  mkdirSync(join(task, 'tests'), { recursive: true });
  writeFileSync(join(task, 'task.yaml'), 'instruction: do it\ndifficulty: easy\n');
  writeFileSync(join(task, 'Dockerfile'), 'FROM python:3.11\nCOPY leak /app/\n');
  writeFileSync(join(task, 'run-tests.sh'), 'pytest /tests\n');
  writeFileSync(join(task, 'tests', 'test_outputs.py'), 'def test_x():\n    assert True\n');
  writeFileSync(join(task, 'data.txt'), 'inside\n');
  for (const [path, target] of Object.entries(links)) symlinkSync(target, join(task, path));
  return suite;
}

describe('symbolic links in task folders', () => {
  it('a link to /proc/self/environ is refused at load, naming the task and the link', () => {
    const suite = tbSuite({ leak: '/proc/self/environ' });
    expect(() => loadSuite(suite)).toThrow(
      new RegExp(
        `${join(suite, 'leaky-task', 'leak')} \\(leaky-task\\): a symbolic link leaves the task folder \\(-> /proc/self/environ\\)`,
      ),
    );
  });

  it('a relative link climbing out of the folder, even from a subfolder, is refused', () => {
    const suite = tbSuite({ 'tests/up': '../../../etc/passwd' });
    expect(() => loadSuite(suite)).toThrow(/tests\/up \(leaky-task\): a symbolic link leaves the task folder/);
  });

  it('a link that stays inside the task folder is data like any other file', () => {
    const suite = tbSuite({ alias: 'data.txt', 'tests/again': '../data.txt' });
    expect(loadSuite(suite).tasks.map((t) => t.id)).toEqual(['leaky-task']);
  });
});
