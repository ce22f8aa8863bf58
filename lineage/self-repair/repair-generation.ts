import type { Db } from '../db/open.js';
import { now } from '../db/open.js';
import {
  finishGeneration,
  insertGeneration,
  nextGenerationId,
  updateGenerationConfig,
} from '../db/repos/generations.js';
import { scoreOn, type EvaluateExperimentOptions, loadTasksFromDb, type SplitName } from '../evaluate-experiment.js';
import type { Workspace } from '../workspace.js';

// Self-repair runs as a generation of one code-variant child: the row holds its champion and parent, the repair's
// spend is stored against it (and counted by budgets.generation*), and once the variant passes its gates it is
// evaluated and decided by lineage/evaluate-and-decide.ts exactly as every child is. Before the gates the row has
// no children, so a kill mid-repair leaves nothing that could run without its code.

export interface RepairGenerationConfig {
  champion: string;
  cluster: string;
  rule: string;
  margin: number;
  eval: { suite: string; subset: number | null; repeats: number };
}

/** A new running generation with no children yet (`proposed`: nothing more will be proposed for it). */
export async function openRepairGeneration(db: Db, parentId: string, c: RepairGenerationConfig): Promise<number> {
  const id = await nextGenerationId(db);
  await insertGeneration(db, {
    id,
    parent_id: parentId,
    proposer: 'self-repair',
    selector: 'self-repair',
    rule: c.rule,
    seed: null,
    status: 'running',
    config: JSON.stringify({
      proposer: 'self-repair',
      rule: c.rule,
      margin: c.margin,
      champion: c.champion,
      childrenWanted: 1,
      children: [],
      proposed: true,
      selfRepair: { cluster: c.cluster },
      eval: c.eval,
    }),
    started_at: now(),
    finished_at: null,
  });
  return id;
}

/** The gated variant joins its generation (from here a resumed generation evaluates and decides it). */
export async function addRepairChild(db: Db, generation: number, id: string): Promise<void> {
  await updateGenerationConfig(db, generation, (c) => ({ ...c, children: [...new Set([...c.children, id])] }));
}

/** Ends a generation that has nothing to decide (the variant was rejected, or evaluation was not asked for). */
export async function closeRepairGeneration(
  db: Db,
  generation: number,
  status: 'done' | 'failed',
  note: string,
): Promise<void> {
  await finishGeneration(db, generation, status, { note });
}

/**
 * The variant's train evaluation in two stages, the cluster's tasks first: the rest of the tasks run only if it did
 * no worse there than its parent (minus `margin`). The same tasks as everyone else's (the subset is taken first, then
 * reordered), so the decision pairs it with the champion on the tasks both ran.
 */
export async function clusterFirst(
  ws: Workspace,
  o: { suite: string; split: SplitName; subset?: number; clusterTasks: string[]; margin: number },
): Promise<Partial<EvaluateExperimentOptions> & { clusterTasks: string[] }> {
  let all = await loadTasksFromDb(ws.db, o.suite, o.split);
  if (o.subset !== undefined) all = all.slice(0, o.subset);
  const cluster = all.filter((t) => o.clusterTasks.includes(t.id));
  const rest = all.filter((t) => !o.clusterTasks.includes(t.id));
  return {
    clusterTasks: cluster.map((t) => t.id),
    loadTasks: async () => [...cluster, ...rest],
    ...(cluster.length > 0 && rest.length > 0 ? { screen: { tasks: cluster.length, margin: o.margin } } : {}),
  };
}

export interface VariantStage {
  stage: 'cluster' | 'suite';
  tasks: number;
  score: number | undefined;
  parentScore: number | undefined;
}

/** What the staged evaluation showed, read back from the runs (so a resumed evaluation reports the same). */
export async function variantStages(
  db: Db,
  o: { id: string; parent: string; suite: string; clusterTasks: string[]; suiteTasks: string[] },
): Promise<{ stages: VariantStage[]; stoppedAfterCluster: boolean }> {
  const stage = async (name: VariantStage['stage'], tasks: string[]): Promise<VariantStage> => ({
    stage: name,
    tasks: tasks.length,
    score: await scoreOn(db, o.id, tasks, o.suite),
    parentScore: await scoreOn(db, o.parent, tasks, o.suite),
  });
  const cluster = await stage('cluster', o.clusterTasks);
  const ranRest = o.suiteTasks.some((t) => !o.clusterTasks.includes(t))
    ? (await scoreOn(
        db,
        o.id,
        o.suiteTasks.filter((t) => !o.clusterTasks.includes(t)),
        o.suite,
      )) !== undefined
    : true;
  if (!ranRest) return { stages: [cluster], stoppedAfterCluster: true };
  return { stages: [cluster, await stage('suite', o.suiteTasks)], stoppedAfterCluster: false };
}
