import { now } from '../db/open.js';
import type { Workspace } from '../workspace.js';

// TEST HELPER: tasks and finished agent runs written straight into a workspace's database (suite `mini`), for tests of
// what reads runs (comparisons, decisions) without running an agent.

export async function addTasks(w: Workspace, ids: string[], split: 'train' | 'heldout'): Promise<void> {
  for (const id of ids)
    await w.db
      .insertInto('tasks')
      .values({
        id,
        suite_id: 'mini',
        content_id: id,
        kind: 'swebench',
        difficulty: 'easy',
        tags: '[]',
        split,
        spec: '{}',
      })
      .execute();
}

/** Done runs of `id` on `tasks` x `repeats`, resolved where `resolved(task, repeat)` says, as one evaluation. */
export async function addRuns(
  w: Workspace,
  id: string,
  split: 'train' | 'heldout',
  tasks: string[],
  repeats: number,
  resolved: (task: string, repeat: number) => boolean,
): Promise<void> {
  const { id: evaluationId } = await w.db
    .insertInto('evaluations')
    .values({
      experiment_id: id,
      suite_id: 'mini',
      split,
      stage: 'full',
      task_ids: JSON.stringify(tasks),
      repeats,
      status: 'done',
      config: '{}',
      created_at: now(),
      finished_at: now(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const task_id of tasks)
    for (let repeat = 0; repeat < repeats; repeat++)
      await w.db
        .insertInto('runs')
        .values({
          evaluation_id: evaluationId,
          experiment_id: id,
          suite_id: 'mini',
          task_id,
          repeat,
          status: 'done',
          outcome: resolved(task_id, repeat) ? 'resolved' : 'unresolved',
          exit_reason: 'submitted',
          infra_error: null,
          attempts: 1,
          input_tokens: null,
          output_tokens: null,
          cache_read_tokens: null,
          cache_write_tokens: null,
          cost_usd: 0,
          duration_ms: 1000,
          steps: 3,
          trajectory_path: null,
          patch_path: null,
          report: null,
          failure_signature: null,
          cluster_id: null,
          worker: null,
          started_at: now(),
          finished_at: now(),
        })
        .execute();
}
