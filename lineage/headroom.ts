import { ALPHA, type RuleName, wilsonLowerBound } from './promote.js';
import { minTasksToDetect } from '../evaluator/stats/index.js';
import { firstTasks } from '../tasks/suite.js';
import { championId } from './db/repos/decisions.js';
import { declaredDeterministic } from './deterministic.js';
import { runningGeneration } from './db/repos/generations.js';
import { experimentTaskScores } from './db/repos/runs.js';
import { taskKinds } from './db/repos/tasks.js';
import type { Workspace } from './workspace.js';

// Whether a generation on these tasks could promote anything at all, known before it runs a child. Children are
// compared with the champion task by task, so a child can gain only on tasks the champion does not always resolve:
// - a rule that needs a higher score (paired-significant, mean, lower-bound) can never pass when the champion
//   resolves every task at every repeat (or when its greatest possible gain is within the margin; for lower-bound the
//   gain in Wilson bound, which near a rate of 1 exceeds the gain in score);
// - paired-significant's exact test on k tasks the child gains has p >= 2^-k whatever the repeats or the margin, so
//   with fewer than minTasksToDetect(2.5%) tasks left to gain no child can reach even the whole level, let alone its
//   share, provided the champion cannot lose a task it resolved: extra evidence rounds run it again, so this holds
//   only for a champion whose model declares itself deterministic, or with no evidence rounds. The bound is the most
//   a child could do, so stopping on it never skips a promotion a generation could make.
// pareto and lexicographic may promote a cheaper child at an equal score: never out of reach by score alone.

const SCORE_RULES: ReadonlySet<RuleName> = new Set(['paired-significant', 'mean', 'lower-bound']);

export interface HeadroomOptions {
  suite?: string;
  split?: 'train' | 'heldout';
  subset?: number;
  rule?: RuleName;
  margin?: number;
}

/** Why no child of the next generation could be promoted on its tasks, or undefined when one could (or it is unknown:
 * the champion has not run every task yet, or a generation is still running and will be resumed as it was). */
export async function promotionOutOfReach(ws: Workspace, o: HeadroomOptions = {}): Promise<string | undefined> {
  const { db, config } = ws;
  const rule = o.rule ?? config.lineage.rule;
  if (!SCORE_RULES.has(rule) || (await runningGeneration(db))) return undefined;
  const champion = await championId(db);
  if (!champion) return undefined;
  const suite = o.suite ?? config.defaults.suite;
  const split = o.split ?? config.defaults.split;
  // The tasks the generation will run (evaluateExperiment: the split's tasks, the first `subset` by id), without specs.
  let tasks = (await taskKinds(db)).filter((t) => t.suite_id === suite && t.split === split);
  if (o.subset !== undefined) tasks = firstTasks(tasks, o.subset);
  if (tasks.length === 0) return undefined;
  const scores = await experimentTaskScores(db, champion, split);
  const means = tasks.map((t) => scores.get(`${suite}/${t.id}`)?.mean);
  if (means.some((m) => m === undefined)) return undefined;
  const open = means.filter((m) => m! < 1).length;
  const gain = means.reduce((s: number, m) => s + (1 - m!), 0) / tasks.length;
  const margin = o.margin ?? config.lineage.margin;
  const on = `the ${tasks.length} ${split} task${tasks.length === 1 ? '' : 's'} of ${suite}`;
  if (open === 0) return `${champion} resolves every one of ${on}: no child can score higher there`;
  if (rule === 'lower-bound') {
    // Wilson's bound rises faster than the rate near 1, so the gap between bounds can exceed the gain in score: the
    // best a child can do is resolve every task (L is increasing in p), judged against the champion's bound.
    const n = tasks.length;
    const best = wilsonLowerBound(1, n) - wilsonLowerBound(1 - gain, n);
    if (best <= margin)
      return `${champion} leaves a child at most ${(100 * best).toFixed(1)} points of Wilson lower bound to gain on ${on}, not more than the margin ${(100 * margin).toFixed(1)}`;
  } else if (gain <= margin)
    return `${champion} leaves at most ${(100 * gain).toFixed(1)} points to gain on ${on}, not more than the margin ${(100 * margin).toFixed(1)}`;
  const need = minTasksToDetect(ALPHA);
  const championFixed = config.lineage.evidenceRounds === 0 || (await declaredDeterministic(db, [champion]));
  if (rule === 'paired-significant' && open < need && championFixed)
    return `${champion} misses only ${open} of ${on}: a child must gain at least ${need} tasks before the exact test can reach ${ALPHA}, so none can be promoted`;
  return undefined;
}
