import { sql } from 'kysely';
import { type TaskScore, taskScores } from '../../../evaluator/stats/index.js';
import type { Db } from '../open.js';
import type { Run } from '../schema.js';

// The runs table's reads that decide or report a comparison: one query, so a decision, `evolve compare` and a
// study's report pool exactly the same runs.

/** `suite/task`: runs pair by task within its suite (two suites may share a task id). */
export const taskKey = (r: { suite_id: string; task_id: string }) => `${r.suite_id}/${r.task_id}`;

/**
 * The experiment's own finished agent runs on the split's tasks (the task's split in its own suite), per task: solver
 * and model-override runs never count, nor runs still pending or failed by the infrastructure.
 */
export async function experimentTaskScores(
  db: Db,
  id: string,
  split: 'train' | 'heldout',
): Promise<Map<string, TaskScore>> {
  const rows = await experimentOutcomes(db, id, split);
  return taskScores(rows.map((r) => ({ taskId: taskKey(r), repeat: r.repeat, resolved: r.outcome === 'resolved' })));
}

/** The experiment's own finished agent runs on the split's tasks (the task's split in its own suite). */
export function experimentOutcomes(
  db: Db,
  id: string,
  split: 'train' | 'heldout',
): Promise<Array<Pick<Run, 'suite_id' | 'task_id' | 'repeat' | 'outcome'>>> {
  return db
    .selectFrom('runs')
    .innerJoin('tasks', (j) => j.onRef('tasks.id', '=', 'runs.task_id').onRef('tasks.suite_id', '=', 'runs.suite_id'))
    .select(['runs.suite_id', 'runs.task_id', 'runs.repeat', 'runs.outcome'])
    .where('runs.experiment_id', '=', id)
    .where('runs.actor', '=', 'agent')
    .where('runs.status', '=', 'done')
    .where('tasks.split', '=', split)
    .execute();
}

/** Every finished agent run's experiment and outcome on the train split (what parent selection may learn from). */
export function trainOutcomes(db: Db): Promise<Array<{ experiment_id: string; outcome: string | null }>> {
  return db
    .selectFrom('runs')
    .innerJoin('evaluations', 'evaluations.id', 'runs.evaluation_id')
    .select(['runs.experiment_id', 'runs.outcome'])
    .where('runs.status', '=', 'done')
    .where('runs.actor', '=', 'agent')
    .where('evaluations.split', '=', 'train')
    .execute();
}

/** The experiments' finished agent runs on train tasks, oldest first, each with its task's spec (what authors read). */
export function trainRunsWithSpec(db: Db, experiments: readonly string[]) {
  return db
    .selectFrom('runs')
    .innerJoin('tasks', (j) => j.onRef('tasks.id', '=', 'runs.task_id').onRef('tasks.suite_id', '=', 'runs.suite_id'))
    .select([
      'runs.id',
      'runs.experiment_id',
      'runs.suite_id',
      'runs.task_id',
      'runs.repeat',
      'runs.outcome',
      'runs.exit_reason',
      'runs.steps',
      'runs.trajectory_path',
      'runs.patch_path',
      'runs.report',
      'tasks.spec',
    ])
    .where('runs.experiment_id', 'in', experiments.length ? experiments : [''])
    .where('runs.actor', '=', 'agent')
    .where('runs.status', '=', 'done')
    .where('tasks.split', '=', 'train')
    .orderBy('runs.id')
    .execute();
}

/** Every finished agent run's outcome with its task's tags (JSON), of these experiments (undefined: all). */
export function outcomesWithTags(
  db: Db,
  experiments?: readonly string[],
): Promise<Array<{ outcome: string | null; tags: string }>> {
  let query = db
    .selectFrom('runs')
    .innerJoin('tasks', (j) => j.onRef('tasks.id', '=', 'runs.task_id').onRef('tasks.suite_id', '=', 'runs.suite_id'))
    .select(['runs.outcome', 'tasks.tags'])
    .where('runs.status', '=', 'done')
    .where('runs.actor', '=', 'agent');
  if (experiments) query = query.where('runs.experiment_id', 'in', experiments.length ? experiments : ['']);
  return query.execute();
}

/** Every column of a run but its report and signature (a grading report can be large; these reads need neither). */
const ROW_COLUMNS = [
  'id',
  'evaluation_id',
  'experiment_id',
  'actor',
  'suite_id',
  'task_id',
  'repeat',
  'status',
  'outcome',
  'exit_reason',
  'attempts',
  'cluster_id',
  'cost_usd',
  'input_tokens',
  'output_tokens',
  'duration_ms',
  'steps',
  'trajectory_path',
  'worker',
  'started_at',
  'finished_at',
] as const satisfies readonly (keyof Run)[];
export type RunSummary = Pick<Run, (typeof ROW_COLUMNS)[number]>;

/**
 * The experiment's own agent runs (a solver's or a model override's are not its own), by task then repeat; `done`:
 * only the finished ones.
 */
export function agentRuns(db: Db, experimentId: string, o: { done?: boolean } = {}): Promise<RunSummary[]> {
  let q = db
    .selectFrom('runs')
    .select(ROW_COLUMNS)
    .where('experiment_id', '=', experimentId)
    .where('actor', '=', 'agent');
  if (o.done) q = q.where('status', '=', 'done');
  return q.orderBy('task_id').orderBy('repeat').orderBy('id').execute();
}

/** Every run of the experiment, whoever ran it, in id order. */
export function runsOfExperiment(db: Db, experimentId: string): Promise<RunSummary[]> {
  return db.selectFrom('runs').select(ROW_COLUMNS).where('experiment_id', '=', experimentId).orderBy('id').execute();
}

/** How many runs are in each status. */
export async function countRunsByStatus(db: Db): Promise<Map<Run['status'], number>> {
  const rows = await db
    .selectFrom('runs')
    .select(['status', sql<number>`count(*)`.as('n')])
    .groupBy('status')
    .execute();
  return new Map(rows.map((r) => [r.status, Number(r.n)]));
}

/** The runs marked running: their worker and start (to tell a live worker's from a dead one's). */
export function runningRuns(db: Db): Promise<Array<Pick<Run, 'worker' | 'started_at'>>> {
  return db.selectFrom('runs').select(['worker', 'started_at']).where('status', '=', 'running').execute();
}

/**
 * Finished runs' costs and tokens (done or ended by an error), of these experiments if given and since `since` if
 * given.
 */
export function runCosts(
  db: Db,
  o: { experiments?: readonly string[]; since?: string } = {},
): Promise<Array<Pick<Run, 'cost_usd' | 'input_tokens' | 'output_tokens' | 'finished_at' | 'duration_ms'>>> {
  let q = db
    .selectFrom('runs')
    .select(['cost_usd', 'input_tokens', 'output_tokens', 'finished_at', 'duration_ms'])
    .where('status', 'in', ['done', 'error']);
  if (o.experiments) q = q.where('experiment_id', 'in', o.experiments.length ? o.experiments : ['']);
  if (o.since !== undefined) q = q.where('started_at', '>=', o.since);
  return q.execute();
}

/** Finished runs' dollars and unpriced runs (tokens but no price), summed per experiment in SQL. */
export async function runSpendByExperiment(
  db: Db,
  only?: readonly string[],
): Promise<Array<{ experiment_id: string; dollars: number; unpriced: number }>> {
  let q = db
    .selectFrom('runs')
    .select((eb) => [
      'experiment_id',
      eb.fn.sum<number | null>('cost_usd').as('dollars'),
      eb.fn
        .countAll<number>()
        .filterWhere((w) =>
          w.and([w('cost_usd', 'is', null), w(sql`coalesce(input_tokens, 0) + coalesce(output_tokens, 0)`, '>', 0)]),
        )
        .as('unpriced'),
    ])
    .where('status', 'in', ['done', 'error'])
    .groupBy('experiment_id');
  if (only) q = q.where('experiment_id', 'in', only.length ? only : ['']);
  const rows = await q.execute();
  return rows.map((r) => ({
    experiment_id: r.experiment_id,
    dollars: Number(r.dollars ?? 0),
    unpriced: Number(r.unpriced),
  }));
}

/** Runs per evaluation, status and outcome, with their cost and first start / last activity (the live view). */
export async function runCountsOfEvaluations(db: Db, evaluationIds: readonly number[]) {
  if (evaluationIds.length === 0) return [];
  return db
    .selectFrom('runs')
    .select([
      'evaluation_id',
      'status',
      'outcome',
      sql<number>`count(*)`.as('n'),
      sql<number>`coalesce(sum(cost_usd), 0)`.as('cost'),
      sql<string | null>`min(started_at)`.as('first'),
      sql<string | null>`max(coalesce(finished_at, started_at))`.as('last'),
    ])
    .where('evaluation_id', 'in', evaluationIds)
    .groupBy(['evaluation_id', 'status', 'outcome'])
    .execute();
}

/** The running runs of these evaluations: their experiment and the process holding each (the live view's workers). */
export async function runningRunsOfEvaluations(
  db: Db,
  evaluationIds: readonly number[],
): Promise<Array<Pick<Run, 'experiment_id' | 'worker'>>> {
  if (evaluationIds.length === 0) return [];
  return db
    .selectFrom('runs')
    .select(['experiment_id', 'worker'])
    .where('evaluation_id', 'in', evaluationIds)
    .where('status', '=', 'running')
    .execute();
}

/** Finished agent runs not yet signed, with their evaluation's split (what failure signing reads), in id order. */
export function unsignedRuns(db: Db, experiments?: readonly string[]) {
  let q = db
    .selectFrom('runs')
    .innerJoin('evaluations', 'evaluations.id', 'runs.evaluation_id')
    .select([
      'runs.id',
      'runs.experiment_id',
      'runs.task_id',
      'runs.outcome',
      'runs.exit_reason',
      'runs.report',
      'runs.trajectory_path',
      'evaluations.split',
    ])
    .where('runs.status', '=', 'done')
    .where('runs.actor', '=', 'agent')
    .where('runs.failure_signature', 'is', null);
  if (experiments?.length) q = q.where('runs.experiment_id', 'in', experiments);
  return q.orderBy('runs.id').execute();
}

/** Stores a run's failure signature (JSON) without filing it under a cluster. */
export async function setRunSignature(db: Db, runId: number, signature: string): Promise<void> {
  await db.updateTable('runs').set({ failure_signature: signature }).where('id', '=', runId).execute();
}

/** Runs with a signature, of these experiments (undefined: all), in id order. */
export function signedRuns(
  db: Db,
  experiments?: readonly string[],
): Promise<Array<Pick<Run, 'id' | 'experiment_id' | 'task_id'> & { failure_signature: string }>> {
  let q = db
    .selectFrom('runs')
    .select(['id', 'experiment_id', 'task_id', 'failure_signature'])
    .where('failure_signature', 'is not', null);
  if (experiments) q = q.where('experiment_id', 'in', experiments.length ? experiments : ['']);
  return q.orderBy('id').execute() as Promise<
    Array<Pick<Run, 'id' | 'experiment_id' | 'task_id'> & { failure_signature: string }>
  >;
}
