import type { Db } from '../db/open.js';
import { findExperiment } from '../db/repos/experiments.js';
import { agentRuns } from '../db/repos/runs.js';
import { listClusters } from '../db/repos/failure-clusters.js';

// Following a cluster across a generation: cluster ids are stable (signature.clusterId), so a child's clusters can
// be set beside its parent's. Per cluster: which of the parent's failing tasks the child now resolves, which still
// fail the same way, which fail another way, and which fail this way only in the child.

export interface ClusterChange {
  id: string;
  label: string;
  parentRuns: number;
  childRuns: number;
  /** The parent failed them this way; every child run on them resolved. */
  fixed: string[];
  /** Both fail them this way. */
  persisting: string[];
  /** The parent failed them this way; the child still fails them, in another cluster. */
  moved: string[];
  /** Only the child fails them this way. */
  introduced: string[];
  /** The parent failed them this way; the child has not run them. */
  notRun: string[];
}

export interface Lineage {
  parentId: string;
  childId: string;
  changes: ClusterChange[];
}

interface RunRow {
  task_id: string;
  outcome: string | null;
  cluster_id: string | null;
}

const runsOf = (db: Db, id: string): Promise<RunRow[]> => agentRuns(db, id, { done: true });

const tasksIn = (runs: RunRow[], cluster: string) =>
  new Set(runs.filter((r) => r.cluster_id === cluster).map((r) => r.task_id));

/** The child's clusters against its parent's; undefined for the root. Reads signed runs only (sign them first). */
export async function clusterChanges(db: Db, childId: string): Promise<Lineage | undefined> {
  const child = await findExperiment(db, childId);
  if (!child?.parent_id) return undefined;
  const [parentRuns, childRuns] = await Promise.all([runsOf(db, child.parent_id), runsOf(db, childId)]);
  const ids = [
    ...new Set([...parentRuns, ...childRuns].map((r) => r.cluster_id).filter((c): c is string => c !== null)),
  ];
  const labels = new Map((await listClusters(db, ids)).map((c) => [c.id, c.label]));
  const childTasks = new Map<string, RunRow[]>();
  for (const r of childRuns) childTasks.set(r.task_id, [...(childTasks.get(r.task_id) ?? []), r]);
  const changes = ids.map((id): ClusterChange => {
    const before = tasksIn(parentRuns, id);
    const after = tasksIn(childRuns, id);
    const c: ClusterChange = {
      id,
      label: labels.get(id) ?? id,
      parentRuns: parentRuns.filter((r) => r.cluster_id === id).length,
      childRuns: childRuns.filter((r) => r.cluster_id === id).length,
      fixed: [],
      persisting: [],
      moved: [],
      introduced: [],
      notRun: [],
    };
    for (const task of [...before].sort()) {
      const mine = childTasks.get(task);
      if (!mine) c.notRun.push(task);
      else if (after.has(task)) c.persisting.push(task);
      else if (mine.every((r) => r.outcome === 'resolved')) c.fixed.push(task);
      else c.moved.push(task);
    }
    c.introduced = [...after].filter((t) => !before.has(t)).sort();
    return c;
  });
  changes.sort((a, b) => b.parentRuns + b.childRuns - (a.parentRuns + a.childRuns) || a.id.localeCompare(b.id));
  return { parentId: child.parent_id, childId, changes };
}
