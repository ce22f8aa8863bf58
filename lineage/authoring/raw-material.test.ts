// vitest project: postgres too
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { baselineGenome, insertChild } from '../experiments.js';
import { HIDDEN_TESTS, repairWorkspace } from '../self-repair/testing.js';
import type { Workspace } from '../workspace.js';
import { buildRawMaterial, maskReport } from './raw-material.js';
import { getExperiment } from '../db/repos/experiments.js';
import { recordDecision } from '../db/repos/decisions.js';

// The raw-material folder on a real workspace (SQLite file, trajectories and grading reports on disk) whose tasks
// carry distinctive hidden test names, a test patch with an expected value and a gold patch.

let ws: Workspace | undefined;
afterEach(async () => {
  await ws?.close();
  ws = undefined;
});

const SECRETS = [
  ...HIDDEN_TESTS,
  'test_unicode_accents_folded',
  'test_ascii_roundtrip_kept',
  'test_hidden_slug',
  'SECRET-EXPECTED',
  'creme-brulee',
  'GOLD-ONLY',
  'unicodedata.normalize',
];

function readAll(dir: string, files: string[]): string {
  return files.map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
}

describe('raw material', () => {
  it('holds full trajectories, task statements and masked grader reports of train runs, and earlier children', async () => {
    ws = await repairWorkspace();
    const parent = await getExperiment(ws.db, 'exp-01');
    const child = await insertChild(ws.db, {
      parent,
      genome: { ...baselineGenome(), model: 'scripted', budgets: { ...baselineGenome().budgets, steps: 77 } },
      hypothesis: 'More steps let the agent finish the slug tasks.',
      proposer: 'systematic',
      generation: 1,
    });
    await recordDecision(ws.db, {
      experimentId: child.id,
      action: 'keep',
      rule: 'paired-significant',
      actor: 'rule',
      reason: 'not better by the rule; held-out confirmed: 3 of 4 tasks',
    });
    const dir = join(mkdtempSync(join(tmpdir(), 'evolve-raw-')), 'raw');
    const raw = await buildRawMaterial(ws.db, dir, { experiments: ['exp-01'] });
    expect([raw.runs, raw.children]).toEqual([2, 1]);
    expect(raw.files).toEqual(
      expect.arrayContaining([
        'README.md',
        'runs/exp-01/mini__mini__slug-1__r0-failed/task.md',
        'runs/exp-01/mini__mini__slug-1__r0-failed/trajectory.jsonl',
        'runs/exp-01/mini__mini__slug-1__r0-failed/grader.json',
        'runs/exp-01/mini__mini__slug-2__r0-failed/trajectory.jsonl',
        `children/${child.id}/verdict.md`,
        `children/${child.id}/change.json`,
      ]),
    );
    // The trajectory is the full record: every tool call, the agent's own commands and their outputs.
    const trajectory = readFileSync(join(dir, 'runs/exp-01/mini__mini__slug-1__r0-failed/trajectory.jsonl'), 'utf8');
    const events = trajectory.split('\n').map((l) => JSON.parse(l));
    expect(events.map((e) => e.name)).toEqual(['bash', 'str_replace', 'submit']);
    expect(events[0].output).toBe('FAILED [hidden] - AssertionError\n1 failed');
    // The grading report keeps its outcome and counts; the names and the test patch are gone.
    const report = JSON.parse(readFileSync(join(dir, 'runs/exp-01/mini__mini__slug-1__r0-failed/grader.json'), 'utf8'));
    expect(report).toMatchObject({
      resolved: false,
      tests_status: { FAIL_TO_PASS: { success: [], failure: ['[hidden]'] } },
    });
    expect(report.test_patch).toBeUndefined();
    expect(readFileSync(join(dir, 'runs/exp-01/mini__mini__slug-1__r0-failed/task.md'), 'utf8')).toMatch(
      /Make slugify fold accents/,
    );
    const verdict = readFileSync(join(dir, `children/${child.id}/verdict.md`), 'utf8');
    expect(verdict).toMatch(/More steps let the agent finish/);
    expect(verdict).toMatch(/keep \(paired-significant\): not better by the rule/);
    expect(verdict).not.toMatch(/held-out/);
    // Nothing hidden anywhere in the folder.
    const all = readAll(dir, raw.files);
    for (const s of SECRETS) expect(all).not.toContain(s);
  });

  it('leaves out held-out runs, and masks hidden keys and expected values in any report', async () => {
    ws = await repairWorkspace();
    await ws.db.updateTable('tasks').set({ split: 'heldout' }).where('id', '=', 'mini__slug-2').execute();
    const dir = join(mkdtempSync(join(tmpdir(), 'evolve-raw-')), 'raw');
    const raw = await buildRawMaterial(ws.db, dir, { experiments: ['exp-01'] });
    expect(raw.runs).toBe(1);
    expect(raw.files.some((f) => f.includes('slug-2'))).toBe(false);
    const masked = maskReport(
      {
        parser_results: { test_unicode_accents_folded: 'failed', test_other: 'passed' },
        test_log: 'E   AssertionError: "creme-brulee-SECRET-EXPECTED" != "x"',
        test_patch: 'anything',
      },
      ['test_unicode_accents_folded', 'creme-brulee-SECRET-EXPECTED'],
    );
    expect(masked).toEqual({
      parser_results: { '[hidden] #1': 'failed', test_other: 'passed' },
      test_log: 'E   AssertionError: "[hidden]" != "x"',
    });
  });
});
