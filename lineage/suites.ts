import { loadSuite, type Suite } from '../tasks/suite.js';
import { sweSources } from '../tasks/swebench-env.js';
import type { Db } from './db/open.js';
import { suiteKnown, upsertSuite } from './db/repos/tasks.js';
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
  await upsertSuite(db, suite);
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
    if (await suiteKnown(ws.db, name)) return;
    throw error;
  }
  await syncSuite(ws.db, suite);
}
