// vitest project: postgres too
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../cli/testing/run-cli.js';
import { baselineGenome, insertChild } from './experiments.js';
import { repairWorkspace } from './self-repair/testing.js';
import { addRuns, addTasks } from './testing/add-runs.js';
import type { Workspace } from './workspace.js';
import { getExperiment } from './db/repos/experiments.js';

// `evolve compare A B --split heldout --no-run` on a real workspace: the paired interval and the exact test printed
// from the finished held-out runs, repeats pooled per task, train runs left out.

let ws: Workspace | undefined;
afterEach(async () => {
  await ws?.close();
  ws = undefined;
});

const HELD = Array.from({ length: 8 }, (_, i) => `mini__held-${i + 1}`);

async function workspace(): Promise<{ w: Workspace; child: string }> {
  const w = await repairWorkspace();
  await addTasks(w, HELD, 'heldout');
  const root = await getExperiment(w.db, 'exp-01');
  const kid = await insertChild(w.db, {
    parent: root,
    genome: { ...baselineGenome(), model: 'scripted', budgets: { ...baselineGenome().budgets, steps: 45 } },
    hypothesis: 'more steps',
    proposer: 'systematic',
    generation: 1,
  });
  return { w, child: kid.id };
}

describe('evolve compare', () => {
  it('prints the paired held-out interval above zero when B wins tasks A loses, repeats pooled per task', async () => {
    const { w, child } = await workspace();
    ws = w;
    // exp-01 resolves held-1 only; the child held-1..6, held-7 in one repeat of two; neither held-8.
    await addRuns(w, 'exp-01', 'heldout', HELD, 2, (t) => t === 'mini__held-1');
    await addRuns(
      w,
      child,
      'heldout',
      HELD,
      2,
      (t, r) => Number(t.split('-').pop()) <= 6 || (t === 'mini__held-7' && r === 0),
    );
    // Train runs where the child loses everything: they must not enter a held-out comparison.
    await addRuns(w, child, 'train', ['mini__slug-1', 'mini__slug-2'], 1, () => false);
    const r = await runCli(['compare', 'exp-01', child, '--split', 'heldout', '--no-run'], w.paths.root);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`${child} vs exp-01 on the heldout split: 8 shared tasks x 2 repeats`);
    expect(r.out).toMatch(/exp-01\s+12\.5%/);
    expect(r.out).toMatch(new RegExp(`${child}\\s+81\\.3%`));
    expect(r.out).toContain('difference   +68.8 points');
    expect(r.out).toContain('6 better, 0 worse, 2 the same');
    const [, lo] = /paired 95% interval \[([+-][\d.]+), ([+-][\d.]+)\]/.exec(r.out) ?? [];
    expect(Number(lo)).toBeGreaterThan(0);
    expect(r.out).toContain(`verdict      ${child} is better: the interval is above zero and the exact test agrees`);
    // `champion` names the current champion (exp-01 here): the same comparison with the sides named that way.
    const named = await runCli(['compare', 'champion', child, '--split', 'heldout', '--no-run'], w.paths.root);
    expect(named.out).toContain(`${child} vs exp-01 on the heldout split: 8 shared tasks x 2 repeats`);
    const json = await runCli(['compare', 'exp-01', child, '--no-run', '--json'], w.paths.root);
    const report = JSON.parse(json.out) as {
      split: string;
      verdict: string;
      comparison: { n: number; test: { p: number } };
    };
    expect(report).toMatchObject({ split: 'heldout', verdict: 'B better', comparison: { n: 8 } });
    expect(report.comparison.test.p).toBeLessThan(0.05);
  });

  it('does not call B better on 4 wins and no losses: the bootstrap interval clears zero, the exact test (p = 1/16) does not', async () => {
    const { w, child } = await workspace();
    ws = w;
    await addRuns(w, 'exp-01', 'heldout', HELD, 1, () => false);
    await addRuns(w, child, 'heldout', HELD, 1, (t) => Number(t.split('-').pop()) <= 4);
    const r = await runCli(['compare', 'exp-01', child, '--no-run', '--json'], w.paths.root);
    const report = JSON.parse(r.out) as { verdict: string; comparison: { lo: number; test: { p: number } } };
    expect(report.comparison.lo).toBeGreaterThan(0);
    expect(report.comparison.test.p).toBeCloseTo(1 / 16, 6);
    expect(report.verdict).toBe('no clear difference');
    const text = await runCli(['compare', 'exp-01', child, '--no-run'], w.paths.root);
    expect(text.out).toContain('the interval excludes zero but the exact test does not reach');
  });

  it('says there is no clear difference when the interval contains zero, and names a missing experiment', async () => {
    const { w, child } = await workspace();
    ws = w;
    await addRuns(w, 'exp-01', 'heldout', HELD, 1, (t) => t === 'mini__held-1');
    await addRuns(w, child, 'heldout', HELD, 1, (t) => t === 'mini__held-2');
    const r = await runCli(['compare', 'exp-01', child, '--no-run'], w.paths.root);
    expect(r.out).toContain('1 better, 1 worse, 6 the same');
    expect(r.out).toContain('no clear difference: the interval contains zero');
    const missing = await runCli(['compare', 'exp-01', 'exp-99', '--no-run'], w.paths.root);
    expect(missing.code).not.toBe(0);
    expect(missing.err).toContain('no experiment exp-99');
  });
});
