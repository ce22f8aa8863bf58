import { appendFileSync, cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { graderCodeId } from './grader-identity.js';

// The grading code's identity, on a copy of this folder's code (suites and fixtures left out): what changes it and
// what does not.

const TASKS = dirname(fileURLToPath(import.meta.url));

function copyOfTasks(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'evolve-grader-id-')), 'tasks');
  cpSync(TASKS, dir, { recursive: true, filter: (src) => !/[/\\](suites|fixtures)$/.test(src) });
  return dir;
}

describe('grading code identity', () => {
  it("is the same for a copy of the code, and differs between the kinds' graders", () => {
    const dir = copyOfTasks();
    expect(graderCodeId('swebench', dir)).toBe(graderCodeId('swebench'));
    expect(graderCodeId('terminal-bench', dir)).toBe(graderCodeId('terminal-bench'));
    expect(graderCodeId('swebench')).not.toBe(graderCodeId('terminal-bench'));
  });

  it("changes with the code a kind's grading runs, not with comments, types, layout or another kind's grader", () => {
    const dir = copyOfTasks();
    const ids = () => ({ swe: graderCodeId('swebench', dir), tb: graderCodeId('terminal-bench', dir) });
    const edit = (file: string, change: (text: string) => string) =>
      writeFileSync(join(dir, file), change(readFileSync(join(dir, file), 'utf8')));
    const before = ids();

    appendFileSync(join(dir, 'graders/swebench.ts'), '\n// a comment\nexport interface Unused {\n  a: string;\n}\n');
    edit('parsers/pytest.ts', (t) => `\n\n${t}`);
    expect(ids()).toEqual(before);

    edit('suite.ts', (t) => `${t}\nexport const unrelated = 1;\n`); // loading suites is not grading
    expect(ids()).toEqual(before);

    appendFileSync(join(dir, 'graders/swebench.ts'), '\nexport const changed = 1;\n');
    const sweChanged = ids();
    expect(sweChanged.swe).not.toBe(before.swe);
    expect(sweChanged.tb).toBe(before.tb);

    appendFileSync(join(dir, 'graders/terminal-bench.ts'), '\nexport const changed = 1;\n');
    expect(ids()).toMatchObject({ swe: sweChanged.swe });
    expect(ids().tb).not.toBe(before.tb);

    // Both graders read test logs through the parsers: a parser's change is both kinds'.
    const now = ids();
    appendFileSync(join(dir, 'parsers/pytest.ts'), '\nexport const changed = 1;\n');
    expect(ids().swe).not.toBe(now.swe);
    expect(ids().tb).not.toBe(now.tb);

    // So are the reference solvers (validation runs them) and the grading call itself.
    const again = ids();
    appendFileSync(join(dir, 'solvers.ts'), '\nexport const changed = 1;\n');
    expect(ids().swe).not.toBe(again.swe);
  });

  it('names a task kind with no grader module', () => {
    const dir = mkdtempSync(join(tmpdir(), 'evolve-grader-id-'));
    expect(() => graderCodeId('swebench', dir)).toThrow(/no grader module for task kind "swebench"/);
  });
});
