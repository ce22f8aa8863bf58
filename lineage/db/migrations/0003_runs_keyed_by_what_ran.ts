import { createHash } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { columnTypes } from './column-types.js';

// Runs keyed by what ran, and suites as namespaces.
// - runs: unique on (experiment, actor, genome hash, code, suite, task, task content id, repeat) instead of
//   (experiment, task, repeat), so an oracle's, a model override's or another suite's runs are never an experiment's.
// - evaluations: the actor, genome hash and code they ran, so an unfinished one is reopened only for the same.
// - tasks: keyed by (suite, id) with the task's content id, so two suites' same-named tasks keep their own split/spec.
// Old rows get the values they had: actor from the evaluation's recorded config (a solver, a model that differs from
// the experiment's genome, else the agent), the experiment's genome hash, code `installed` unless the experiment or
// an ancestor has a code branch (`unknown`: those runs may not have run their code), the evaluation's suite, and the
// content id the task had. Frozen in time: the content-id function below is a copy, never imported.
// SQLite cannot change a primary key or a unique constraint in place, so there the tables are rebuilt (in a transaction
// of its own: kysely runs SQLite migrations outside one). Postgres alters them in place, inside the migrator's
// transaction (a rebuild there would clash with the old table's index and sequence names).

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value as Record<string, unknown>)
        .sort()
        .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  return value;
}

function contentId(task: any): string {
  const { contextDir: _dir, ...environment } = task.environment ?? {};
  const workspace =
    task.workspace?.kind === 'git'
      ? { kind: 'git', baseCommit: task.workspace.baseCommit }
      : { kind: task.workspace?.kind };
  const grader =
    task.grader?.kind === 'terminal-bench'
      ? { kind: task.grader.kind, testScript: task.grader.testScript, mode: task.grader.mode }
      : task.grader;
  const content = canonical({
    id: task.id,
    kind: task.kind,
    statement: task.statement,
    environment,
    workspace,
    grader,
    gold: task.gold ?? null,
  });
  return createHash('sha256').update(JSON.stringify(content)).digest('hex').slice(0, 16);
}

const RUN_COLUMNS = [
  'id',
  'evaluation_id',
  'experiment_id',
  'task_id',
  'repeat',
  'status',
  'outcome',
  'exit_reason',
  'infra_error',
  'attempts',
  'input_tokens',
  'output_tokens',
  'cache_read_tokens',
  'cache_write_tokens',
  'cost_usd',
  'duration_ms',
  'steps',
  'trajectory_path',
  'patch_path',
  'report',
  'failure_signature',
  'cluster_id',
  'worker',
  'started_at',
  'finished_at',
];

export async function up(db: Kysely<any>): Promise<void> {
  if (columnTypes(db).postgres) return migrate(db);
  await sql`begin`.execute(db);
  try {
    await migrate(db);
    await sql`commit`.execute(db);
  } catch (error) {
    await sql`rollback`.execute(db);
    throw error;
  }
}

async function migrate(db: Kysely<any>): Promise<void> {
  const postgres = columnTypes(db).postgres;
  // Tasks: (suite, id) with a content id.
  const contentOf = postgres ? await tasksInPlace(db) : await rebuildTasks(db);
  await evaluationsAndRuns(db, contentOf, postgres);
}

function contentIdOf(spec: string): string {
  try {
    return contentId(JSON.parse(spec));
  } catch {
    return 'unknown';
  }
}

async function tasksInPlace(db: Kysely<any>): Promise<Map<string, string>> {
  await db.schema
    .alterTable('tasks')
    .addColumn('content_id', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await sql`alter table tasks drop constraint tasks_pkey`.execute(db);
  await sql`alter table tasks add constraint tasks_pk primary key (suite_id, id)`.execute(db);
  await db.schema.createIndex('tasks_id').on('tasks').column('id').execute();
  const contentOf = new Map<string, string>();
  for (const t of await db.selectFrom('tasks').select(['suite_id', 'id', 'spec']).execute()) {
    const content = contentIdOf(t.spec);
    contentOf.set(`${t.suite_id}\0${t.id}`, content);
    await db
      .updateTable('tasks')
      .set({ content_id: content })
      .where('suite_id', '=', t.suite_id)
      .where('id', '=', t.id)
      .execute();
  }
  return contentOf;
}

async function rebuildTasks(db: Kysely<any>): Promise<Map<string, string>> {
  await db.schema.alterTable('tasks').renameTo('tasks_0002').execute();
  await db.schema.dropIndex('tasks_suite').execute();
  await db.schema
    .createTable('tasks')
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('suite_id', 'text', (c) => c.notNull().references('suites.id'))
    .addColumn('content_id', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('difficulty', 'text', (c) => c.notNull())
    .addColumn('tags', 'text', (c) => c.notNull())
    .addColumn('split', 'text', (c) => c.notNull())
    .addColumn('spec', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('tasks_pk', ['suite_id', 'id'])
    .execute();
  await db.schema.createIndex('tasks_suite').on('tasks').columns(['suite_id', 'split']).execute();
  await db.schema.createIndex('tasks_id').on('tasks').column('id').execute();
  const tasks = await db.selectFrom('tasks_0002').selectAll().execute();
  const contentOf = new Map<string, string>();
  for (const t of tasks) {
    const content = contentIdOf(t.spec);
    contentOf.set(`${t.suite_id}\0${t.id}`, content);
    await db
      .insertInto('tasks')
      .values({ ...t, content_id: content })
      .execute();
  }
  await db.schema.dropTable('tasks_0002').execute();
  return contentOf;
}

async function evaluationsAndRuns(db: Kysely<any>, contentOf: Map<string, string>, postgres: boolean): Promise<void> {
  // Evaluations: what ran.
  await db.schema
    .alterTable('evaluations')
    .addColumn('actor', 'text', (c) => c.notNull().defaultTo('agent'))
    .execute();
  await db.schema
    .alterTable('evaluations')
    .addColumn('genome_hash', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema
    .alterTable('evaluations')
    .addColumn('code', 'text', (c) => c.notNull().defaultTo('installed'))
    .execute();
  const experiments = await db.selectFrom('experiments').select(['id', 'parent_id', 'branch', 'genome']).execute();
  const byId = new Map(experiments.map((e) => [e.id as string, e]));
  const hasCode = (id: string): boolean => {
    for (let e = byId.get(id); e; e = e.parent_id ? byId.get(e.parent_id) : undefined) if (e.branch) return true;
    return false;
  };
  const hashes = new Map(
    (await db.selectFrom('experiments').select(['id', 'genome_hash']).execute()).map((e) => [e.id, e.genome_hash]),
  );
  const evaluations = await db
    .selectFrom('evaluations')
    .select(['id', 'experiment_id', 'config', 'suite_id'])
    .execute();
  const who = new Map<number, { actor: string; genome_hash: string; code: string; suite: string }>();
  for (const ev of evaluations) {
    let config: { actor?: { solver?: string }; model?: string | null } = {};
    try {
      config = JSON.parse(ev.config);
    } catch {}
    let ownModel: string | undefined;
    try {
      ownModel = JSON.parse(byId.get(ev.experiment_id)?.genome ?? '{}').model;
    } catch {}
    const solver = config.actor?.solver;
    const actor = solver
      ? solver
      : config.model && ownModel && config.model !== ownModel
        ? `model:${config.model}`
        : 'agent';
    const row = {
      actor,
      genome_hash: solver || actor !== 'agent' ? '' : (hashes.get(ev.experiment_id) ?? ''),
      code: solver ? '' : hasCode(ev.experiment_id) ? 'unknown' : 'installed',
    };
    who.set(ev.id, { ...row, suite: ev.suite_id });
    await db.updateTable('evaluations').set(row).where('id', '=', ev.id).execute();
  }

  // Runs: keyed by what ran.
  if (postgres) await runsInPlace(db);
  else await rebuildRuns(db);
  for (const [id, w] of who) {
    await db
      .updateTable('runs')
      .set({ actor: w.actor, genome_hash: w.genome_hash, code: w.code, suite_id: w.suite })
      .where('evaluation_id', '=', id)
      .execute();
  }
  for (const [key, content] of contentOf) {
    const [suite, task] = key.split('\0');
    await db
      .updateTable('runs')
      .set({ task_content: content })
      .where('suite_id', '=', suite!)
      .where('task_id', '=', task!)
      .execute();
  }
}

async function runsInPlace(db: Kysely<any>): Promise<void> {
  for (const [column, value] of [
    ['actor', 'agent'],
    ['genome_hash', ''],
    ['code', 'installed'],
    ['suite_id', ''],
    ['task_content', ''],
  ] as const)
    await db.schema
      .alterTable('runs')
      .addColumn(column, 'text', (c) => c.notNull().defaultTo(value))
      .execute();
  await sql`alter table runs drop constraint runs_one_per_slot`.execute(db);
  await sql`alter table runs add constraint runs_one_per_key unique (experiment_id, actor, genome_hash, code, suite_id, task_id, task_content, repeat)`.execute(
    db,
  );
}

async function rebuildRuns(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('runs').renameTo('runs_0002').execute();
  for (const index of [
    'runs_experiment_status',
    'runs_evaluation',
    'runs_cluster',
    'runs_status',
    'runs_cluster_cover',
  ])
    await db.schema.dropIndex(index).ifExists().execute();
  await db.schema
    .createTable('runs')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('evaluation_id', 'integer', (c) => c.notNull().references('evaluations.id'))
    .addColumn('experiment_id', 'text', (c) => c.notNull().references('experiments.id'))
    .addColumn('actor', 'text', (c) => c.notNull().defaultTo('agent'))
    .addColumn('genome_hash', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('code', 'text', (c) => c.notNull().defaultTo('installed'))
    .addColumn('suite_id', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('task_id', 'text', (c) => c.notNull())
    .addColumn('task_content', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('repeat', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text')
    .addColumn('exit_reason', 'text')
    .addColumn('infra_error', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('input_tokens', 'integer')
    .addColumn('output_tokens', 'integer')
    .addColumn('cache_read_tokens', 'integer')
    .addColumn('cache_write_tokens', 'integer')
    .addColumn('cost_usd', 'real')
    .addColumn('duration_ms', 'integer')
    .addColumn('steps', 'integer')
    .addColumn('trajectory_path', 'text')
    .addColumn('patch_path', 'text')
    .addColumn('report', 'text')
    .addColumn('failure_signature', 'text')
    .addColumn('cluster_id', 'text')
    .addColumn('worker', 'text')
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .addUniqueConstraint('runs_one_per_key', [
      'experiment_id',
      'actor',
      'genome_hash',
      'code',
      'suite_id',
      'task_id',
      'task_content',
      'repeat',
    ])
    .execute();
  const cols = sql.join(RUN_COLUMNS.map((c) => sql.ref(c)));
  await sql`insert into runs (${cols}) select ${cols} from runs_0002`.execute(db);
  await db.schema.dropTable('runs_0002').execute();
  await db.schema.createIndex('runs_experiment_status').on('runs').columns(['experiment_id', 'status']).execute();
  await db.schema.createIndex('runs_evaluation').on('runs').column('evaluation_id').execute();
  await db.schema.createIndex('runs_cluster').on('runs').column('cluster_id').execute();
  await db.schema.createIndex('runs_status').on('runs').column('status').execute();
  await db.schema
    .createIndex('runs_cluster_cover')
    .on('runs')
    .columns(['cluster_id', 'experiment_id', 'task_id'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('0003_runs_keyed_by_what_ran cannot be undone: restore the database from a backup');
}
