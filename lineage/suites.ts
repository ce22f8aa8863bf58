import { taskContentId } from '../tasks/content-id.js';
import { loadSuite, type Suite } from '../tasks/suite.js';
import { sweSources } from '../tasks/swebench-env.js';
import type { Db } from './db/open.js';
import { now } from './db/open.js';
import type { Workspace } from './workspace.js';

// Keeps the workspace's suites and tasks tables in step with the suite files, so every evaluation, the TUI and
// failure breakdowns read the same task ids, tags and split. Idempotent: run before each evaluation.

export function loadWorkspaceSuite(ws: Pick<Workspace, 'config' | 'paths'>, name: string): Suite {
  return loadSuite(name, {
    suites: ws.config.suites,
    base: ws.paths.root,
    sources: sweSources(ws.config.swebench, ws.paths.root),
  });
}

export async function syncSuite(db: Db, suite: Suite): Promise<{ tasks: number }> {
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
  return { tasks: suite.tasks.length };
}

/**
 * Brings the database's copy of a suite up to date from its files. A suite registered in the database whose
 * files are not here (another machine's path, or tasks inserted directly) is used as it is.
 */
export async function refreshSuite(ws: Pick<Workspace, 'config' | 'paths' | 'db'>, name: string): Promise<void> {
  let suite: Suite;
  try {
    suite = loadWorkspaceSuite(ws, name);
  } catch (error) {
    const known = await ws.db.selectFrom('tasks').select('id').where('suite_id', '=', name).limit(1).executeTakeFirst();
    if (known) return;
    throw error;
  }
  await syncSuite(ws.db, suite);
}
