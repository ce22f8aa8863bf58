import type { SandboxKind } from '../../evaluator/sandbox/providers.js';
import { join } from 'node:path';
import { pairedComparison, taskScores } from '../../evaluator/stats/index.js';
import { wireRuns, type Wiring } from '../../evaluator/wiring.js';
import type { Db } from '../db/open.js';
import { evaluateExperiment, loadTasksFromDb, scoreOn } from '../evaluate-experiment.js';
import { championId, recordDecision } from '../experiments.js';
import { decide, type RuleName } from '../promote.js';
import type { Workspace } from '../workspace.js';

// Staged evaluation of an accepted code variant, run from its worktree: first on the cluster's tasks (the failures
// it claims to fix), then, unless it does worse there than its parent, on the suite. Then the normal promotion
// rule against the champion, paired by task. No held-out confirmation here (nextGeneration owns that step).

export interface VariantEvalOptions {
  experimentId: string;
  parentId: string;
  worktree: string;
  clusterTasks: string[];
  suite?: string;
  split?: 'train' | 'heldout';
  sandbox?: SandboxKind;
  subset?: number;
  repeats?: number;
  concurrency?: number;
  /** How far below the parent on the cluster's tasks the variant may be and still go on (default 0). */
  margin?: number;
  /** Builds the runs' wiring for the variant's worktree (tests inject one; default: the real wiring running `<worktree>/agent/loop.ts`). */
  wiringFor?: (worktree: string) => Promise<Wiring> | Wiring;
  log?: (line: string) => void;
}

export interface VariantEvalResult {
  stages: Array<{
    stage: 'cluster' | 'suite';
    tasks: number;
    score: number | undefined;
    parentScore: number | undefined;
  }>;
  stoppedAfterCluster: boolean;
  decision: 'promote' | 'keep' | 'retire';
  reason: string;
}

/** The real wiring, with the agent loop imported from the variant's worktree (evaluator/agent-runner `agentModule`). */
export function variantWiring(ws: Workspace, sandbox: SandboxKind, worktree: string): Promise<Wiring> {
  const b = ws.config.budgets;
  return wireRuns({
    sandbox,
    runsDir: ws.paths.runs,
    workspace: ws.paths.root,
    images: { ...ws.config.images, root: ws.paths.root },
    grading: ws.config.grading,
    agent: {
      prices: ws.config.models.prices,
      runLimits: { dollars: b.runDollars, tokens: b.runTokens, calls: b.runCalls },
      agentModule: join(worktree, 'agent', 'loop.ts'),
    },
  });
}

async function scores(db: Db, id: string, taskIds: string[]) {
  const rows = await db
    .selectFrom('runs')
    .select(['task_id', 'repeat', 'outcome'])
    .where('experiment_id', '=', id)
    .where('status', '=', 'done')
    .where('task_id', 'in', taskIds.length ? taskIds : [''])
    .execute();
  return taskScores(rows.map((r) => ({ taskId: r.task_id, repeat: r.repeat, resolved: r.outcome === 'resolved' })));
}

export async function evaluateVariant(ws: Workspace, o: VariantEvalOptions): Promise<VariantEvalResult> {
  const { db, config } = ws;
  const log = o.log ?? (() => {});
  const suite = o.suite ?? config.defaults.suite;
  const split = o.split ?? config.defaults.split;
  const sandbox = o.sandbox ?? config.defaults.sandbox;
  const wiringFor = o.wiringFor ?? ((wt: string) => variantWiring(ws, sandbox, wt));
  const common = {
    experimentId: o.experimentId,
    suite,
    split,
    sandbox,
    ...(o.repeats ? { repeats: o.repeats } : {}),
    ...(o.concurrency ? { concurrency: o.concurrency } : {}),
  };
  let suiteTasks = (await loadTasksFromDb(db, suite, split)).map((t) => t.id);
  if (o.subset !== undefined) suiteTasks = suiteTasks.slice(0, o.subset);
  const stages: VariantEvalResult['stages'] = [];

  // Stage 1: the cluster's tasks only.
  const clusterTasks = o.clusterTasks.filter((t) => suiteTasks.includes(t));
  log(`evaluating ${o.experimentId} on the cluster's ${clusterTasks.length} task(s)`);
  await evaluateExperiment(ws, {
    ...common,
    wiring: await wiringFor(o.worktree),
    loadTasks: async (s, sp) => (await loadTasksFromDb(db, s, sp)).filter((t) => clusterTasks.includes(t.id)),
  });
  const first = {
    stage: 'cluster' as const,
    tasks: clusterTasks.length,
    score: await scoreOn(db, o.experimentId, clusterTasks),
    parentScore: await scoreOn(db, o.parentId, clusterTasks),
  };
  stages.push(first);
  const margin = o.margin ?? 0;
  if (first.score === undefined || (first.parentScore !== undefined && first.score < first.parentScore - margin)) {
    const reason = `stopped after the cluster stage: ${first.score ?? 'no score'} on the cluster's tasks vs parent ${first.parentScore ?? '?'}`;
    await recordDecision(db, { experimentId: o.experimentId, action: 'keep', rule: 'staged', actor: 'rule', reason });
    return { stages, stoppedAfterCluster: true, decision: 'keep', reason };
  }

  // Stage 2: the suite (runs already done on the cluster's tasks are kept, not repeated).
  log(`evaluating ${o.experimentId} on the suite (${suiteTasks.length} tasks)`);
  await evaluateExperiment(ws, {
    ...common,
    wiring: await wiringFor(o.worktree),
    loadTasks: async (s, sp) => (await loadTasksFromDb(db, s, sp)).filter((t) => suiteTasks.includes(t.id)),
  });
  stages.push({
    stage: 'suite',
    tasks: suiteTasks.length,
    score: await scoreOn(db, o.experimentId, suiteTasks),
    parentScore: await scoreOn(db, o.parentId, suiteTasks),
  });

  // The normal promotion rule against the champion on the tasks both ran.
  const champion = (await championId(db)) ?? o.parentId;
  const rule = config.lineage.rule as RuleName;
  const vs = pairedComparison(await scores(db, champion, suiteTasks), await scores(db, o.experimentId, suiteTasks), {
    seed: 1,
  });
  const runs = await db
    .selectFrom('runs')
    .select('cost_usd')
    .where('experiment_id', '=', o.experimentId)
    .where('status', '=', 'done')
    .execute();
  // Unknown (unpriced) runs leave the cost unknown rather than free.
  const costPerTask = runs.some((r) => r.cost_usd === null)
    ? undefined
    : runs.reduce((s, r) => s + r.cost_usd!, 0) / Math.max(1, runs.length);
  const verdict = decide(
    rule,
    [{ id: o.experimentId, vs, ...(costPerTask !== undefined ? { costPerTask } : {}) }],
    config.lineage.margin,
  );
  const p = (x: number) => `${(100 * x).toFixed(1)} points`;
  const learned =
    vs.n === 0
      ? 'No shared tasks with the champion to compare on.'
      : `Difference vs champion ${champion}: ${p(vs.diff)} on ${vs.n} shared tasks (interval ${p(vs.lo)} to ${p(vs.hi)}).`;
  await db
    .updateTable('experiments')
    .set({
      verdict: vs.n === 0 ? 'inconclusive' : vs.lo > 0 ? 'confirmed' : vs.hi < 0 ? 'refuted' : 'inconclusive',
      learned,
    })
    .where('id', '=', o.experimentId)
    .execute();
  const decision = verdict.winner ? 'promote' : vs.n > 0 && vs.hi < 0 ? 'retire' : 'keep';
  await recordDecision(db, {
    experimentId: o.experimentId,
    action: decision,
    rule,
    actor: 'rule',
    reason: verdict.reason,
    details: vs,
  });
  return { stages, stoppedAfterCluster: false, decision, reason: verdict.reason };
}
