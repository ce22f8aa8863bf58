import { type PairedComparison, pairedComparison } from '../evaluator/stats/index.js';
import { experimentTaskScores } from './db/repos/runs.js';
import { type EvaluateExperimentOptions, evaluateExperiment } from './evaluate-experiment.js';
import type { Workspace } from './workspace.js';
import { championId } from './db/repos/decisions.js';
import { getExperiment } from './db/repos/experiments.js';

// `evolve compare A B --split heldout`: B against A on one split, paired by task, the task as the unit. Both are
// evaluated there first (finished runs are reused, so after a generation's held-out confirmation nothing runs again);
// every finished agent run of each on the split's tasks counts, so repeats a confirmation ran are pooled per task.

export interface CompareOptions
  extends Omit<EvaluateExperimentOptions, 'experimentId' | 'split' | 'screen' | 'solver' | 'model'> {
  a: string;
  b: string;
  split: 'train' | 'heldout';
  /** false: compare the finished runs there are and start none. */
  run?: boolean;
}

export interface CompareReport {
  a: string;
  b: string;
  split: 'train' | 'heldout';
  /** Fewest finished runs per shared task on either side. */
  repeats: number;
  comparison: PairedComparison;
  /**
   * B better (worse): the paired 95% bootstrap interval on B - A lies wholly above (below) zero AND the exact one-sided
   * test agrees at 2.5%. The bootstrap alone is too generous on few discordant tasks (4 wins, 0 losses: p = 0.0625).
   */
  verdict: 'B better' | 'B worse' | 'no clear difference';
}

/** Each side of a two-sided 5% claim. */
const ONE_SIDED_LEVEL = 0.025;

/** `champion` names the current champion (so the quick start can be pasted as it is); any other name is an id. */
async function resolveName(ws: Workspace, name: string): Promise<string> {
  if (name !== 'champion') return name;
  const id = await championId(ws.db);
  if (!id) throw new Error('this workspace has no champion yet: run `evolve init` first');
  return id;
}

export async function compareExperiments(ws: Workspace, o: CompareOptions): Promise<CompareReport> {
  const { a: nameA, b: nameB, split, run = true, ...evalOpts } = o;
  const [a, b] = [await resolveName(ws, nameA), await resolveName(ws, nameB)];
  for (const id of [a, b]) await getExperiment(ws.db, id);
  if (run) for (const id of [a, b]) await evaluateExperiment(ws, { ...evalOpts, experimentId: id, split });
  const [sa, sb] = [await experimentTaskScores(ws.db, a, split), await experimentTaskScores(ws.db, b, split)];
  const comparison = pairedComparison(sa, sb, { seed: 1 });
  const repeats = comparison.tasks.length
    ? Math.min(...comparison.tasks.flatMap((t) => [sa.get(t)!.n, sb.get(t)!.n]))
    : 0;
  const t = comparison.test;
  const verdict =
    comparison.n > 0 && comparison.lo > 0 && t.p < ONE_SIDED_LEVEL
      ? 'B better'
      : comparison.n > 0 && comparison.hi < 0 && t.pWorse < ONE_SIDED_LEVEL
        ? 'B worse'
        : 'no clear difference';
  return { a, b, split, repeats, comparison, verdict };
}

const pts = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}`;
const pc = (x: number) => `${(100 * x).toFixed(1)}%`;

function verdictLine(r: CompareReport): string {
  const c = r.comparison;
  if (r.verdict === 'B better') return `${r.b} is better: the interval is above zero and the exact test agrees`;
  if (r.verdict === 'B worse') return `${r.b} is worse: the interval is below zero and the exact test agrees`;
  if (c.lo > 0 || c.hi < 0)
    return `no clear difference: the interval excludes zero but the exact test does not reach one-sided ${ONE_SIDED_LEVEL} (too few tasks differ)`;
  return 'no clear difference: the interval contains zero';
}

export function describeComparison(r: CompareReport): string {
  const c = r.comparison;
  if (c.n === 0) return `${r.b} vs ${r.a} on the ${r.split} split: no task has finished runs of both\n`;
  const t = c.test;
  return [
    `${r.b} vs ${r.a} on the ${r.split} split: ${c.n} shared tasks x ${r.repeats} repeat${r.repeats === 1 ? '' : 's'} (the task is the unit)`,
    `  ${r.a.padEnd(12)} ${pc(c.meanA)}`,
    `  ${r.b.padEnd(12)} ${pc(c.meanB)}`,
    `  difference   ${pts(c.diff)} points, paired 95% interval [${pts(c.lo)}, ${pts(c.hi)}] (bootstrap over tasks)`,
    `  tasks        ${t.wins} better, ${t.losses} worse, ${t.ties} the same`,
    `  test         ${t.description}: one-sided p = ${t.p.toPrecision(2)} better, ${t.pWorse.toPrecision(2)} worse`,
    `  verdict      ${verdictLine(r)}`,
    '',
  ].join('\n');
}
