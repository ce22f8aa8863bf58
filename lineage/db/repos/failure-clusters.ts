import { sql } from 'kysely';
import type { Db } from '../open.js';
import { now } from '../open.js';
import type { Database } from '../schema.js';
import type { Selectable } from 'kysely';

// The failure_clusters table and the runs filed under them (runs.cluster_id): filing a signed run, and the counts,
// tasks and representatives the failure views read. Queries scoped to experiments take their ids (undefined: all).

export type FailureCluster = Selectable<Database['failure_clusters']>;

/** Every cluster (id, label, signature key, first seen), by id. */
export function listClusters(db: Db, ids?: readonly string[]): Promise<FailureCluster[]> {
  if (ids?.length === 0) return Promise.resolve([]);
  let q = db.selectFrom('failure_clusters').selectAll();
  if (ids) q = q.where('id', 'in', ids);
  return q.orderBy('id').execute();
}

/**
 * Files a run under its cluster in one transaction: the cluster is created when new (first seen in this run's
 * experiment) or touched, and the run gets its signature and cluster.
 */
export async function fileUnderCluster(
  db: Db,
  run: { id: number; experimentId: string; signature: string },
  cluster: { id: string; label: string; key: string },
): Promise<void> {
  const at = now();
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('failure_clusters')
      .values({
        id: cluster.id,
        label: cluster.label,
        signature: cluster.key,
        first_seen_experiment: run.experimentId,
        created_at: at,
        updated_at: at,
      })
      .onConflict((oc) => oc.column('id').doUpdateSet({ updated_at: at }))
      .execute();
    await trx
      .updateTable('runs')
      .set({ failure_signature: run.signature, cluster_id: cluster.id })
      .where('id', '=', run.id)
      .execute();
  });
}

/** Runs and distinct experiments per cluster, most runs first (answered from the runs_cluster_cover index). */
export async function clusterCounts(
  db: Db,
  experiments?: readonly string[],
): Promise<Array<{ cluster_id: string; n: number; exps: number }>> {
  if (experiments?.length === 0) return [];
  let q = db
    .selectFrom('runs')
    .select(['cluster_id', sql<number>`count(*)`.as('n'), sql<number>`count(distinct experiment_id)`.as('exps')])
    .where('cluster_id', 'is not', null)
    .groupBy('cluster_id');
  if (experiments) q = q.where('experiment_id', 'in', experiments);
  const rows = await q.orderBy('n', 'desc').orderBy('cluster_id').execute();
  return rows.map((r) => ({ cluster_id: r.cluster_id!, n: Number(r.n), exps: Number(r.exps) }));
}

/** Each cluster's distinct tasks, by task id. */
export async function clusterTasks(
  db: Db,
  experiments?: readonly string[],
): Promise<Array<{ cluster_id: string; task_id: string }>> {
  if (experiments?.length === 0) return [];
  let q = db.selectFrom('runs').select(['cluster_id', 'task_id']).distinct().where('cluster_id', 'is not', null);
  if (experiments) q = q.where('experiment_id', 'in', experiments);
  return (await q.orderBy('task_id').execute()) as Array<{ cluster_id: string; task_id: string }>;
}

/** The cluster's newest `limit` runs (runs_cluster walks them newest first). */
export function clusterRepresentatives(
  db: Db,
  clusterId: string,
  experiments: readonly string[] | undefined,
  limit: number,
) {
  let q = db
    .selectFrom('runs')
    .select(['id', 'experiment_id', 'task_id', 'trajectory_path'])
    .where('cluster_id', '=', clusterId);
  if (experiments) q = q.where('experiment_id', 'in', experiments.length ? experiments : ['']);
  return q.orderBy('id', 'desc').limit(limit).execute();
}

/** The runs of these experiments filed under a cluster (their experiment, task and cluster). */
export async function clusteredRuns(
  db: Db,
  experiments: readonly string[],
): Promise<Array<{ experiment_id: string; task_id: string; cluster_id: string }>> {
  if (experiments.length === 0) return [];
  return (await db
    .selectFrom('runs')
    .select(['experiment_id', 'task_id', 'cluster_id'])
    .where('experiment_id', 'in', experiments)
    .where('cluster_id', 'is not', null)
    .execute()) as Array<{ experiment_id: string; task_id: string; cluster_id: string }>;
}

/** The experiment's runs filed under the cluster, with what self-repair may show of them, in id order. */
export function runsInCluster(db: Db, experimentId: string, clusterId: string) {
  return db
    .selectFrom('runs')
    .select(['id', 'task_id', 'outcome', 'exit_reason', 'trajectory_path', 'failure_signature', 'report'])
    .where('experiment_id', '=', experimentId)
    .where('cluster_id', '=', clusterId)
    .orderBy('id')
    .execute();
}
