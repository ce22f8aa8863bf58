import type { Kysely } from 'kysely';

// Failure views count runs, experiments and tasks per cluster over the whole lineage. With only (cluster_id) indexed
// each of those reads every member row (~1 s per query at 1,000,000 runs); this index answers them from the index
// alone. runs_cluster stays: it walks one cluster's runs newest first, for its representatives.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('runs_cluster_cover')
    .on('runs')
    .columns(['cluster_id', 'experiment_id', 'task_id'])
    .execute();
  // Held-out runs are no longer filed under failure clusters (clusters feed proposers and self-repair); take them out
  // of clusters filed before that rule.
  await db
    .updateTable('runs')
    .set({ cluster_id: null })
    .where('cluster_id', 'is not', null)
    .where('evaluation_id', 'in', db.selectFrom('evaluations').select('id').where('split', '=', 'heldout'))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('runs_cluster_cover').execute();
}
