import type { Kysely } from 'kysely';
import { columnTypes } from './column-types.js';

// Released: never edit. Add a new numbered migration instead.
// Portable SQL only (SQLite and Postgres): text ids, ISO-8601 text times, JSON as text; integer/real/id column types
// through columnTypes (on SQLite exactly the types this migration always wrote).

export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('experiments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('parent_id', 'text', (c) => c.references('experiments.id'))
    .addColumn('generation', t.integer, (c) => c.notNull())
    .addColumn('genome', 'text', (c) => c.notNull())
    .addColumn('genome_hash', 'text', (c) => c.notNull())
    .addColumn('change', 'text', (c) => c.notNull())
    .addColumn('change_summary', 'text', (c) => c.notNull())
    .addColumn('hypothesis', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('proposer', 'text')
    .addColumn('authored_by', 'text')
    .addColumn('branch', 'text')
    .addColumn('seed', t.integer)
    .addColumn('verdict', 'text')
    .addColumn('learned', 'text')
    .addColumn('score', t.real)
    .addColumn('score_lo', t.real)
    .addColumn('score_hi', t.real)
    .addColumn('cost_usd', t.real)
    .addColumn('flags', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema.createIndex('experiments_parent').on('experiments').column('parent_id').execute();
  await db.schema.createIndex('experiments_status').on('experiments').column('status').execute();
  await db.schema.createIndex('experiments_generation').on('experiments').column('generation').execute();

  await db.schema
    .createTable('generations')
    .addColumn('id', t.integer, (c) => c.primaryKey())
    .addColumn('parent_id', 'text', (c) => c.notNull().references('experiments.id'))
    .addColumn('proposer', 'text', (c) => c.notNull())
    .addColumn('selector', 'text', (c) => c.notNull())
    .addColumn('rule', 'text', (c) => c.notNull())
    .addColumn('seed', t.integer)
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('config', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();

  await db.schema
    .createTable('suites')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('meta', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('tasks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('suite_id', 'text', (c) => c.notNull().references('suites.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('difficulty', 'text', (c) => c.notNull())
    .addColumn('tags', 'text', (c) => c.notNull())
    .addColumn('split', 'text', (c) => c.notNull())
    .addColumn('spec', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('tasks_suite').on('tasks').columns(['suite_id', 'split']).execute();

  await db.schema
    .createTable('evaluations')
    .$call(t.id)
    .addColumn('experiment_id', 'text', (c) => c.notNull().references('experiments.id'))
    .addColumn('suite_id', 'text', (c) => c.notNull())
    .addColumn('split', 'text', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('task_ids', 'text', (c) => c.notNull())
    .addColumn('repeats', t.integer, (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('config', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema.createIndex('evaluations_experiment').on('evaluations').column('experiment_id').execute();

  await db.schema
    .createTable('runs')
    .$call(t.id)
    .addColumn('evaluation_id', t.integer, (c) => c.notNull().references('evaluations.id'))
    .addColumn('experiment_id', 'text', (c) => c.notNull().references('experiments.id'))
    .addColumn('task_id', 'text', (c) => c.notNull())
    .addColumn('repeat', t.integer, (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text')
    .addColumn('exit_reason', 'text')
    .addColumn('infra_error', 'text')
    .addColumn('attempts', t.integer, (c) => c.notNull().defaultTo(0))
    .addColumn('input_tokens', t.integer)
    .addColumn('output_tokens', t.integer)
    .addColumn('cache_read_tokens', t.integer)
    .addColumn('cache_write_tokens', t.integer)
    .addColumn('cost_usd', t.real)
    .addColumn('duration_ms', t.integer)
    .addColumn('steps', t.integer)
    .addColumn('trajectory_path', 'text')
    .addColumn('patch_path', 'text')
    .addColumn('report', 'text')
    .addColumn('failure_signature', 'text')
    .addColumn('cluster_id', 'text')
    .addColumn('worker', 'text')
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .addUniqueConstraint('runs_one_per_slot', ['experiment_id', 'task_id', 'repeat'])
    .execute();
  await db.schema.createIndex('runs_experiment_status').on('runs').columns(['experiment_id', 'status']).execute();
  await db.schema.createIndex('runs_evaluation').on('runs').column('evaluation_id').execute();
  await db.schema.createIndex('runs_cluster').on('runs').column('cluster_id').execute();
  await db.schema.createIndex('runs_status').on('runs').column('status').execute();

  await db.schema
    .createTable('failure_clusters')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('signature', 'text', (c) => c.notNull())
    .addColumn('first_seen_experiment', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('decisions')
    .$call(t.id)
    .addColumn('experiment_id', 'text', (c) => c.notNull().references('experiments.id'))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('rule', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('decisions_experiment').on('decisions').column('experiment_id').execute();

  await db.schema
    .createTable('champions')
    .$call(t.id)
    .addColumn('experiment_id', 'text', (c) => c.notNull().references('experiments.id'))
    .addColumn('decision_id', t.integer)
    .addColumn('since', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'champions',
    'decisions',
    'failure_clusters',
    'runs',
    'evaluations',
    'tasks',
    'suites',
    'generations',
    'experiments',
  ]) {
    await db.schema.dropTable(t).execute();
  }
}
