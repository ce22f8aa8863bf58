// vitest project: e2e (runs whole agents or a whole typecheck: minutes, not seconds)
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Genome } from '../../genome.js';
import { BUILTIN_SWE, runOnTask, type SuiteRun } from './suite-runs.js';

// The landscape's honesty, on real built-in tasks run on the host: the offline model is never shown the hidden
// tests or the gold patch, and every genome slot moves the verdict of at least one task category (tools, planning,
// memory and prompt below, on the accounts, stockroom and tabular tasks; the model's params and more in
// slot-verdicts.test.ts on two small projects, memory on the built-in cachet-2 in lineage/policies-differ.test.ts).

const hasPython = (() => {
  try {
    execFileSync('python3', ['-c', 'import pytest'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : [],
  );
}

/** Asserts what `run` was shown: never a hidden test's name, file or lines, never the gold patch; the fix only after its own edit made it. */
function expectHonest(id: string, run: SuiteRun): void {
  const testPatch = readFileSync(join(BUILTIN_SWE, id, 'test.patch'), 'utf8');
  const gold = readFileSync(join(BUILTIN_SWE, id, 'gold.patch'), 'utf8');
  const hiddenNames = [...testPatch.matchAll(/^\+def (test_\w+)/gm)].map((m) => m[1] as string);
  const hiddenFiles = [...testPatch.matchAll(/^\+\+\+ b\/(\S+)/gm)].map((m) => m[1] as string);
  // Lines only the hidden tests hold (asserts and calls), and the gold patch's added code.
  const added = (patch: string) =>
    [...patch.matchAll(/^\+(?!\+\+)(.*\S.*)$/gm)].map((m) => (m[1] ?? '').trim()).filter((l) => l.length > 16);
  // What the agent may see anyway: the statement and the repository's files (a line also there is not hidden).
  const visible = [
    JSON.parse(readFileSync(join(BUILTIN_SWE, id, 'instance.json'), 'utf8')).problem_statement as string,
    ...filesUnder(join(BUILTIN_SWE, id, 'repo')).map((f) => readFileSync(f, 'utf8')),
  ].join('\n');
  const hidden = (lines: string[]) => lines.filter((l) => !visible.includes(l));
  const hiddenLines = hidden(added(testPatch).filter((l) => /^assert\b|\(/.test(l)));
  expect(hiddenNames.length, id).toBeGreaterThan(0);
  expect(hiddenLines.length, id).toBeGreaterThan(0);
  const seen = JSON.stringify(run.requests);
  for (const s of [...hiddenNames, ...hiddenFiles, ...hiddenLines, testPatch.slice(0, 200), gold.slice(0, 200)])
    expect(seen, `${id}: ${s}`).not.toContain(JSON.stringify(s).slice(1, -1));
  // The fix may appear once its own edit made it; never in what it was first given.
  const first = JSON.stringify(run.requests[0]);
  for (const s of hidden(added(gold))) expect(first, `${id}: ${s}`).not.toContain(JSON.stringify(s).slice(1, -1));
  expect(run.requests.length, id).toBeGreaterThan(3);
}

// One run per (task, genome) in this file: exp-01's run on a task serves every slot compared on it. Every run is
// started before the first test, two at a time (a run waits on its python3 commands, a hung candidate on its
// timeout: two overlap on two cores), never two of one task at once (they share the repro script the model writes
// in /tmp, named by the statement); each test awaits its own runs and checks them as before.
const runs = new Map<string, Promise<SuiteRun>>();
const lastOfTask = new Map<string, Promise<unknown>>();
let free = 2;
const queued: Array<() => void> = [];
async function twoAtATime<T>(work: () => Promise<T>): Promise<T> {
  if (free === 0) await new Promise<void>((start) => queued.push(start));
  else free--;
  try {
    return await work();
  } finally {
    const next = queued.shift();
    if (next) next();
    else free++;
  }
}
function run(task: string, changes: Partial<Genome>): Promise<SuiteRun> {
  const key = `${task} ${JSON.stringify(changes)}`;
  if (!runs.has(key)) {
    const before = lastOfTask.get(task) ?? Promise.resolve();
    const started = before.then(() => twoAtATime(() => runOnTask(task, changes)));
    // A run that fails before its test awaits it is that test's failure, not an unhandled rejection.
    const settled = started.catch(() => undefined);
    lastOfTask.set(task, settled);
    runs.set(key, started);
  }
  return runs.get(key) as Promise<SuiteRun>;
}

describe.skipIf(!hasPython)('offline model on built-in tasks', () => {
  // One task per category the search reads differently: an editor fix, a quick one, a long-output traceback.
  // Commands time out after 15 s, not 120: one of ignorematch-3's candidate edits makes its repro script loop
  // forever, and what is checked here is what the model is shown, not how long a hung command is given.
  // Every run of the verdicts below (accounts and stockroom tasks among them) is checked the same way.
  const HONESTY = ['tabular__tabular-6', 'cachet__cachet-2', 'ignorematch__ignorematch-3'];
  const honestyGenome: Partial<Genome> = { tools: { name: 'search', params: { timeoutSec: 15 } } };
  it('never receives hidden tests or the gold patch in any request', { timeout: 1_800_000 }, async () => {
    for (const id of HONESTY) expectHonest(id, await run(id, honestyGenome));
  });

  const searchTools = { tools: { name: 'search', params: {} } };
  // [slot, task (category), genome that resolves it, genome that does not]: each slot moves at least one category,
  // and several changes help one category and hurt another (bash-only, planning).
  const VERDICTS: Array<[string, string, Partial<Genome>, Partial<Genome>]> = [
    ['tools: editor against sed (editor)', 'tabular__tabular-6', {}, { tools: { name: 'bash-only', params: {} } }],
    [
      "tools: bash's three tries a step against the editor's one (many-candidates)",
      'stockroom__stockroom-6',
      { tools: { name: 'bash-only', params: {} } },
      {},
    ],
    [
      'tools: output cap (long-output)',
      'tabular__tabular-2',
      { tools: { name: 'editor', params: { maxOutputChars: 20_000 } } },
      {},
    ],
    [
      'tools: a grep tool finds the helper the issue never names (needs-search)',
      'stockroom__stockroom-2',
      searchTools,
      {},
    ],
    // The issue names the entry point, then the helper holding the bug: a plan reaches the helper's likely edits.
    [
      'planning: a plan against none (two-suspects)',
      'accounts__accounts-9',
      { planning: { name: 'plan-first', params: {} } },
      {},
    ],
    // The slip is in the function named first; a plan spends the budget on the likelier edits of the helper.
    [
      'planning: none against a plan (caller-bug)',
      'stockroom__stockroom-9',
      {},
      { planning: { name: 'plan-first', params: {} } },
    ],
    [
      'memory: full against a window that forgets the tried edits (caller-bug, a long search)',
      'stockroom__stockroom-9',
      {},
      { memory: { name: 'window', params: {} } },
    ],
    [
      'prompt: the python-debugging skill reads the full traceback (middle-frame)',
      'stockroom__stockroom-4',
      { prompt: { name: 'detailed', params: { skills: ['python-debugging'] } } },
      {},
    ],
  ];

  beforeAll(() => {
    for (const id of HONESTY) void run(id, honestyGenome);
    for (const [, task, good, bad] of VERDICTS) void [run(task, good), run(task, bad)];
  });

  for (const [slot, task, good, bad] of VERDICTS) {
    it(`${slot}: resolves ${task} with one genome and not the other`, { timeout: 1_800_000 }, async () => {
      const [a, b] = [await run(task, good), await run(task, bad)];
      expect({ resolved: a.resolved, exit: a.exitReason }).toMatchObject({ resolved: true });
      expect({ resolved: b.resolved, exit: b.exitReason }).toMatchObject({ resolved: false });
      expectHonest(task, a);
      expectHonest(task, b);
    });
  }
});
