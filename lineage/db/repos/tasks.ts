import { taskContentId } from '../../../tasks/content-id.js';
import { Task } from '../../../tasks/schema.js';
import type { Suite } from '../../../tasks/suite.js';
import type { Db } from '../open.js';
import { now } from '../open.js';
import type { Selectable } from 'kysely';
import type { Database } from '../schema.js';

type TaskRow = Selectable<Database['tasks']>;

// The suites and tasks tables: a suite's tasks as the workspace knows them (each with its split in that suite), and
// their full specs read back through the Task schema.

type Split = TaskRow['split'];

/** Writes the suite and its tasks (insert or update, by suite and task id) in one transaction. */
export async function upsertSuite(db: Db, suite: Suite): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const meta = JSON.stringify({ heldout: [...suite.heldout].sort(), subsets: suite.subsets });
    await trx
      .insertInto('suites')
      .values({
        id: suite.name,
        kind: [...new Set(suite.tasks.map((t) => t.kind))].join('+') || 'empty',
        source: suite.source,
        meta,
        created_at: now(),
      })
      .onConflict((oc) => oc.column('id').doUpdateSet({ source: suite.source, meta }))
      .execute();
    for (const task of suite.tasks) {
      const row = {
        suite_id: suite.name,
        content_id: taskContentId(task),
        kind: task.kind,
        difficulty: task.difficulty,
        tags: JSON.stringify(task.tags),
        split: suite.heldout.has(task.id) ? ('heldout' as const) : ('train' as const),
        spec: JSON.stringify(task),
      };
      await trx
        .insertInto('tasks')
        .values({ id: task.id, ...row })
        .onConflict((oc) => oc.columns(['suite_id', 'id']).doUpdateSet(row))
        .execute();
    }
  });
}

/** Whether the workspace knows any task of the suite. */
export async function suiteKnown(db: Db, suite: string): Promise<boolean> {
  return (
    (await db.selectFrom('tasks').select('id').where('suite_id', '=', suite).limit(1).executeTakeFirst()) !== undefined
  );
}

/** The suite's tasks on a split ('all': both), by id. */
export async function tasksOf(db: Db, suite: string, split: Split | 'all'): Promise<Task[]> {
  let q = db.selectFrom('tasks').select(['id', 'spec']).where('suite_id', '=', suite);
  if (split !== 'all') q = q.where('split', '=', split);
  const rows = await q.orderBy('id').execute();
  return rows.map((r) => Task.parse(JSON.parse(r.spec)));
}

/** How many tasks the suite has on the split. */
export async function countTasks(db: Db, suite: string, split: Split): Promise<number> {
  const row = await db
    .selectFrom('tasks')
    .select(db.fn.countAll<number>().as('n'))
    .where('suite_id', '=', suite)
    .where('split', '=', split)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Tasks with this id (in this suite, when given), by suite; the spec is Task JSON. */
export function tasksWithId(db: Db, id: string, suite?: string): Promise<Array<Pick<TaskRow, 'suite_id' | 'spec'>>> {
  let q = db.selectFrom('tasks').select(['suite_id', 'spec']).where('id', '=', id);
  if (suite !== undefined) q = q.where('suite_id', '=', suite);
  return q.orderBy('suite_id').execute();
}

/** The specs of the tasks with these ids, in any suite, by id. */
export async function specsOf(db: Db, ids: readonly string[]): Promise<Map<string, Task>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('tasks').select(['id', 'spec']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, Task.parse(JSON.parse(r.spec))]));
}

/** Every task's suite, id, split and kind (no specs). */
export function taskKinds(db: Db): Promise<Array<Pick<TaskRow, 'suite_id' | 'id' | 'split' | 'kind'>>> {
  return db.selectFrom('tasks').select(['suite_id', 'id', 'split', 'kind']).execute();
}
