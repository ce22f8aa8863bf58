import { cpSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { taskContentId } from './content-id.js';
import { loadSuite } from './suite.js';

// A task's content id covers the files of its host folders (Terminal-Bench tests and build context, Harbor tests,
// environment and solution, a SWE task's repo/), not where they are: edit a hidden test and the runs of the old one are
// not reused.

const FIXTURES = join(import.meta.dirname, 'fixtures', 'published');
const BUILTIN = join(import.meta.dirname, 'suites', 'builtin');

function copyOf(...names: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'evolve-content-'));
  for (const n of names) cpSync(join(FIXTURES, n), join(dir, n), { recursive: true });
  return dir;
}
const ids = (dir: string) => new Map(loadSuite(dir).tasks.map((t) => [t.id, taskContentId(t)]));

describe('task content id', () => {
  it("changes with a file of a task's tests, build context or solution folder, and only that task's", () => {
    const dir = copyOf('tb-test-dir-setup', 'harbor-solution-dir');
    const before = ids(dir);
    writeFileSync(join(dir, 'tb-test-dir-setup', 'tests', 'test_outputs.py'), '\ndef test_more():\n    pass\n', {
      flag: 'a',
    });
    const afterTests = ids(dir);
    expect(afterTests.get('tb-test-dir-setup')).not.toBe(before.get('tb-test-dir-setup'));
    expect(afterTests.get('harbor-solution-dir')).toBe(before.get('harbor-solution-dir'));

    writeFileSync(join(dir, 'harbor-solution-dir', 'tests', 'test_outputs.py'), '# edited\n', { flag: 'a' });
    const afterHarborTests = ids(dir);
    expect(afterHarborTests.get('harbor-solution-dir')).not.toBe(before.get('harbor-solution-dir'));

    // A file the build context holds (v1: the task folder less its hidden parts), and one in Harbor's solution/.
    writeFileSync(join(dir, 'tb-test-dir-setup', 'seed.txt'), 'another seed\n');
    expect(ids(dir).get('tb-test-dir-setup')).not.toBe(afterTests.get('tb-test-dir-setup'));
    writeFileSync(join(dir, 'harbor-solution-dir', 'solution', 'extra.txt'), 'x\n');
    expect(ids(dir).get('harbor-solution-dir')).not.toBe(afterHarborTests.get('harbor-solution-dir'));
  });

  it("changes with a file of a folder workspace (a SWE task's repo/), and not when the task folder moves", () => {
    const dir = mkdtempSync(join(tmpdir(), 'evolve-content-dir-'));
    const task = join(dir, 'stockroom__stockroom-2');
    cpSync(join(BUILTIN, 'swe', 'stockroom__stockroom-2'), task, { recursive: true });
    const before = ids(dir).get('stockroom__stockroom-2');
    expect(before).toBe(taskContentId(loadSuite(BUILTIN).tasks.find((t) => t.id === 'stockroom__stockroom-2')!));
    writeFileSync(join(task, 'repo', 'stockroom', 'units.py'), '\n# edited\n', { flag: 'a' });
    expect(ids(dir).get('stockroom__stockroom-2')).not.toBe(before);
  });

  it('stays the same when the folder moves', () => {
    const dir = copyOf('tb-test-dir-setup', 'harbor-solution-dir');
    const before = ids(dir);
    const moved = join(mkdtempSync(join(tmpdir(), 'evolve-content-moved-')), 'suite');
    renameSync(dir, moved);
    expect(ids(moved)).toEqual(before);
  });
});
