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
