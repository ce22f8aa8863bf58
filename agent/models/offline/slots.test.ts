// vitest project: e2e (runs whole agents or a whole typecheck: minutes, not seconds)
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_SWE, runOnTask } from './suite-runs.js';

// The landscape's honesty, on real built-in tasks run on the host: the offline model is never shown the hidden
// tests or the gold patch, and genome changes move verdicts by task category (the tools pairs below; planning, the
// model's params, memory and prompt in slot-verdicts.test.ts, memory on the built-in cachet-2 in
// lineage/policies-differ.test.ts).

const hasPython = (() => {
  try {
    execFileSync('python3', ['-c', 'import pytest'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!hasPython)('offline model on built-in tasks', () => {
  it('never receives hidden tests or the gold patch in any request', { timeout: 1_800_000 }, async () => {
    for (const id of ['tabular__tabular-6']) {
      const run = await runOnTask(id, { tools: { name: 'search', params: {} } });
      const testPatch = readFileSync(join(BUILTIN_SWE, id, 'test.patch'), 'utf8');
      const gold = readFileSync(join(BUILTIN_SWE, id, 'gold.patch'), 'utf8');
      const hiddenNames = [...testPatch.matchAll(/^\+def (test_\w+)/gm)].map((m) => m[1] as string);
      const hiddenFiles = [...testPatch.matchAll(/^\+\+\+ b\/(\S+)/gm)].map((m) => m[1] as string);
      expect(hiddenNames.length).toBeGreaterThan(0);
      const seen = JSON.stringify(run.requests);
      for (const s of [...hiddenNames, ...hiddenFiles, testPatch.slice(0, 200), gold.slice(0, 200)])
        expect(seen).not.toContain(s);
      expect(run.requests.length).toBeGreaterThan(3);
    }
  });

  // [slot, task (category), genome that resolves it, genome that does not]
  const VERDICTS: Array<[string, string, Record<string, unknown>, Record<string, unknown>]> = [
    ['tools: editor against sed', 'tabular__tabular-6', {}, { tools: { name: 'bash-only', params: {} } }],
    [
      'tools: output cap (long-output)',
      'tabular__tabular-2',
      { tools: { name: 'editor', params: { maxOutputChars: 20_000 } } },
      {},
    ],
  ];

  for (const [slot, task, good, bad] of VERDICTS) {
    it(`${slot}: resolves ${task} with one genome and not the other`, { timeout: 1_800_000 }, async () => {
      const [a, b] = [await runOnTask(task, good), await runOnTask(task, bad)];
      expect({ resolved: a.resolved, exit: a.exitReason }).toMatchObject({ resolved: true });
      expect({ resolved: b.resolved, exit: b.exitReason }).toMatchObject({ resolved: false });
    });
  }
});
