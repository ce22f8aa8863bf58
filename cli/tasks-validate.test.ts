// vitest project: e2e (runs the oracle and null solvers on built-in tasks on the host: tens of seconds)
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { BUILTIN_DIR } from '../tasks/suite.js';
import { readValidated, VALIDATED_FILE } from '../tasks/validated.js';
import { runCli } from './testing/run-cli.js';

// `evolve tasks validate --record` keeps a suite's record of validated tasks; `--unvalidated` runs only the tasks the
// record does not hold as they are (tasks/validated.test.ts checks when a task's key changes).

const hasPytest = (() => {
  try {
    execFileSync('python3', ['-c', 'import pytest'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

it.skipIf(!hasPytest)(
  'tasks validate --record writes the valid tasks only; --unvalidated then runs only the others',
  { timeout: 300_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'evolve-validate-record-'));
    for (const t of ['cachet__cachet-2', 'cachet__cachet-3'])
      cpSync(join(BUILTIN_DIR, 'swe', t), join(dir, 'swe', t), { recursive: true });
    writeFileSync(join(dir, 'swe/cachet__cachet-3/gold.patch'), ''); // no gold: the oracle cannot solve it
    const local = ['--sandbox', 'local', '--concurrency', '1'];
    const first = await runCli(['tasks', 'validate', dir, ...local, '--record'], dir);
    expect(first.code, first.err).toBe(1);
    expect(first.out).toMatch(/1\/2 tasks valid .*invalid: cachet__cachet-3/);
    expect(first.out).toMatch(/recorded: .*validated\.json \(1 of 2 tasks validated as they are\)/);
    expect(Object.keys(readValidated(dir))).toEqual(['cachet__cachet-2']);

    const again = await runCli(['tasks', 'validate', dir, ...local, '--unvalidated', '--json'], dir);
    expect(again.code, again.err).toBe(1);
    const out = JSON.parse(again.out) as { results: Array<{ taskId: string; ok: boolean }>; recorded?: string };
    expect(out.results.map((r) => [r.taskId, r.ok])).toEqual([['cachet__cachet-3', false]]);
    expect(out.recorded).toBeUndefined();
    expect(Object.keys(readValidated(dir))).toEqual(['cachet__cachet-2']);

    const file = join(dir, 'suite.jsonl');
    writeFileSync(file, '');
    const refused = await runCli(['tasks', 'validate', file, '--record'], dir);
    expect(refused.code).not.toBe(0);
    expect(refused.err).toMatch(/--record: suite suite is a file/);
    expect(readdirSync(dir).sort()).toEqual(['suite.jsonl', 'swe', VALIDATED_FILE]); // nothing written for it
  },
);
