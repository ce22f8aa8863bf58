import { Task } from '../tasks/schema.js';
import { tasksWithId } from './db/repos/tasks.js';
import { refreshSuite } from './suites.js';
import type { Workspace } from './workspace.js';

// Suites are namespaces: a task is addressed as `suite/task`, or by its bare id when exactly one suite the workspace
// knows has it. A fresh workspace loads the suites itself (the default one, then those named in evolve.json), so
// `agent run --task ID` works before any `eval`.

export class TaskRefError extends Error {
  override readonly name = 'TaskRefError';
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

type Ws = Pick<Workspace, 'config' | 'paths' | 'db'>;

/** Splits `suite/task` (at the last slash, so a suite path may hold slashes); a bare id has no suite. */
export function parseTaskRef(ref: string): { suite?: string; id: string } {
  const at = ref.lastIndexOf('/');
  return at > 0 ? { suite: ref.slice(0, at), id: ref.slice(at + 1) } : { id: ref };
}

function rowsFor(ws: Ws, id: string, suite?: string) {
  return tasksWithId(ws.db, id, suite);
}

/** The suites a bare id is looked up in when the database does not know it yet. */
function knownSuites(ws: Ws): string[] {
  return [...new Set([ws.config.defaults.suite, ...Object.keys(ws.config.suites ?? {})])];
}

export async function resolveTask(ws: Ws, ref: string, suiteOption?: string): Promise<Task> {
  const parsed = parseTaskRef(ref);
  // --suite names the namespace; a `suite/` prefix that repeats it is allowed.
  const suite = suiteOption ?? parsed.suite;
  const id = suiteOption && parsed.suite === suiteOption ? parsed.id : suiteOption ? ref : parsed.id;
  if (suite !== undefined) {
    await refreshSuite(ws, suite);
    const [row] = await rowsFor(ws, id, suite);
    if (!row)
      throw new TaskRefError(
        `suite ${suite} has no task ${id}`,
        `\`evolve tasks list --suite ${suite}\` lists its tasks.`,
      );
    return Task.parse(JSON.parse(row.spec));
  }
  let rows = await rowsFor(ws, id);
  if (rows.length === 0) {
    for (const name of knownSuites(ws)) {
      try {
        await refreshSuite(ws, name);
      } catch {
        // A suite whose files are missing cannot hold the task; the error below names where to look.
      }
    }
    rows = await rowsFor(ws, id);
  }
  if (rows.length > 1)
    throw new TaskRefError(
      `task id ${id} is in more than one suite: ${rows.map((r) => `${r.suite_id}/${id}`).join(', ')}`,
      'Name the suite: pass one of those as --task, or add --suite.',
    );
  if (!rows[0])
    throw new TaskRefError(
      `no task ${id} in the suites this workspace knows (${knownSuites(ws).join(', ')})`,
      "Address a task as SUITE/TASK or add --suite; `evolve tasks list --suite NAME` lists a suite's tasks.",
    );
  return Task.parse(JSON.parse(rows[0].spec));
}
