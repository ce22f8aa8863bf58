import { authorshipOf, describeAuthorship } from './authorship.js';
import type { Db } from './db/open.js';
import { championId, decisionsOf, listDecisions } from './db/repos/decisions.js';
import { findExperiment, idsOfGeneration, listExperiments } from './db/repos/experiments.js';
import { clusterCounts, clusterRepresentatives, clusterTasks, listClusters } from './db/repos/failure-clusters.js';
import { agentRuns } from './db/repos/runs.js';
import { type ExperimentSpend, readExperimentSpend, readSpend, type SpendSummary } from './spend.js';

// The read API the TUI (and any other viewer) uses: plain queries, no writes. Every function reads only the
// columns it shows, so a lineage of 10,000 experiments and 1,000,000 runs stays quick to open.

export interface TreeNode {
  id: string;
  parentId: string | null;
  generation: number;
  change: string;
  status: string;
  score: number | null;
  scoreLo: number | null;
  scoreHi: number | null;
  costUsd: number | null;
  authoredBy: string | null;
  proposer: string | null;
  /** Who wrote it, in one line (lineage/authorship.ts). */
  author: string;
  /** Kept regardless of the rule (lineage.exploreEvery): its decisions hold an `explore` row. */
  explore: boolean;
  /** Everything spent on it: its runs and the lineage's model calls made for it (self-repair, author). */
  spend: ExperimentSpend;
}

export interface LineageTree {
  nodes: TreeNode[];
  championId: string | null;
  /** The workspace's whole spend: runs, and the lineage's own model users by purpose. */
  spend: SpendSummary;
}

export async function readTree(db: Db): Promise<LineageTree> {
  const rows = await listExperiments(db);
  const explore = new Set((await listDecisions(db, { action: 'explore' })).map((d) => d.experiment_id));
  const spend = await readExperimentSpend(db);
  return {
    nodes: rows.map((r) => ({
      id: r.id,
      parentId: r.parent_id,
      generation: r.generation,
      change: r.change_summary,
      status: r.status,
      score: r.score,
      scoreLo: r.score_lo,
      scoreHi: r.score_hi,
      costUsd: r.cost_usd,
      authoredBy: r.authored_by,
      author: describeAuthorship(authorshipOf(r)),
      proposer: r.proposer,
      explore: explore.has(r.id),
      spend: spend.get(r.id) ?? { runsUsd: 0, lineageUsd: {}, unpriced: 0 },
    })),
    championId: await readChampionId(db),
    spend: await readSpend(db),
  };
}

export async function readChampionId(db: Db): Promise<string | null> {
  return championId(db);
}

export interface RunCell {
  taskId: string;
  repeat: number;
  status: string;
  outcome: string | null;
  exitReason: string | null;
  runId: number;
  trajectoryPath: string | null;
  costUsd: number | null;
  tokens: number | null;
}

export interface ExperimentDetail {
  id: string;
  parentId: string | null;
  generation: number;
  status: string;
  hypothesis: string;
  change: string;
  genome: unknown;
  parentGenome: unknown | null;
  score: number | null;
  scoreLo: number | null;
  scoreHi: number | null;
  verdict: string | null;
  learned: string | null;
  authoredBy: string | null;
  /** Who wrote it, in one line (lineage/authorship.ts). */
  author: string;
  flags: string[];
  runs: RunCell[];
  parentRuns: RunCell[];
  totals: { costUsd: number; tokens: number; runs: number };
  /** Everything spent on it, the lineage's model calls for it (self-repair, author) included. */
  spend: ExperimentSpend;
  decisions: Array<{ action: string; rule: string; actor: string; reason: string; at: string }>;
}

async function readRunCells(db: Db, experimentId: string): Promise<RunCell[]> {
  // The experiment's own runs; a solver's or model override's runs are not its cells.
  const rows = await agentRuns(db, experimentId);
  return rows.map((r) => ({
    taskId: r.task_id,
    repeat: r.repeat,
    status: r.status,
    outcome: r.outcome,
    exitReason: r.exit_reason,
    runId: r.id,
    trajectoryPath: r.trajectory_path,
    costUsd: r.cost_usd,
    tokens: r.input_tokens === null && r.output_tokens === null ? null : (r.input_tokens ?? 0) + (r.output_tokens ?? 0),
  }));
}

export async function readExperiment(db: Db, id: string): Promise<ExperimentDetail | null> {
  const row = await findExperiment(db, id);
  if (!row) return null;
  const parent = row.parent_id ? await findExperiment(db, row.parent_id) : undefined;
  const runs = await readRunCells(db, id);
  const parentRuns = row.parent_id ? await readRunCells(db, row.parent_id) : [];
  const decisions = await decisionsOf(db, id);
  return {
    id: row.id,
    parentId: row.parent_id,
    generation: row.generation,
    status: row.status,
    hypothesis: row.hypothesis,
    change: row.change_summary,
    genome: JSON.parse(row.genome) as unknown,
    parentGenome: parent ? (JSON.parse(parent.genome) as unknown) : null,
    score: row.score,
    scoreLo: row.score_lo,
    scoreHi: row.score_hi,
    verdict: row.verdict,
    learned: row.learned,
    authoredBy: row.authored_by,
    author: describeAuthorship(authorshipOf(row)),
    flags: JSON.parse(row.flags) as string[],
    runs,
    parentRuns,
    totals: {
      costUsd: runs.reduce((s, r) => s + (r.costUsd ?? 0), 0),
      tokens: runs.reduce((s, r) => s + (r.tokens ?? 0), 0),
      runs: runs.length,
    },
    spend: (await readExperimentSpend(db, [id])).get(id) ?? { runsUsd: 0, lineageUsd: {}, unpriced: 0 },
    decisions: decisions.map((d) => ({
      action: d.action,
      rule: d.rule,
      actor: d.actor,
      reason: d.reason,
      at: d.created_at,
    })),
  };
}

export interface ClusterSummary {
  id: string;
  label: string;
  count: number;
  tasks: string[];
  /** How many experiments in the scope failed this way. */
  experiments: number;
  /** The experiment where this kind of failure was first signed (the id is stable across generations). */
  firstSeen: string | null;
  /** A few runs to open, newest first. */
  representatives: Array<{ runId: number; experimentId: string; taskId: string; trajectoryPath: string | null }>;
}

/** Which runs a failure view covers: one experiment (an id), one generation, or the whole lineage (undefined). */
export type ClusterScope = string | { experimentId?: string; generation?: number } | undefined;

/** The experiments a scope covers; undefined for the whole lineage. */
export async function scopeExperiments(db: Db, scope: ClusterScope): Promise<string[] | undefined> {
  const s = typeof scope === 'string' ? { experimentId: scope } : (scope ?? {});
  if (s.experimentId) return [s.experimentId];
  if (s.generation === undefined) return undefined;
  return idsOfGeneration(db, s.generation);
}

export async function readClusters(db: Db, scope?: ClusterScope): Promise<ClusterSummary[]> {
  const ids = await scopeExperiments(db, scope);
  if (ids?.length === 0) return [];
  // Two aggregate queries answered from the runs_cluster_cover index, then the newest three runs of each cluster
  // (runs_cluster walks them newest first), so the whole lineage's clusters read without loading every member run.
  const [rows, tasks, meta] = await Promise.all([clusterCounts(db, ids), clusterTasks(db, ids), listClusters(db)]);
  const reps = await Promise.all(rows.map((row) => clusterRepresentatives(db, row.cluster_id, ids, 3)));
  const tasksOf = new Map<string, string[]>();
  for (const t of tasks) tasksOf.set(t.cluster_id, [...(tasksOf.get(t.cluster_id) ?? []), t.task_id]);
  const metaOf = new Map(meta.map((c) => [c.id, c]));
  return rows.map((row, i) => {
    const id = row.cluster_id;
    return {
      id,
      label: metaOf.get(id)?.label ?? id,
      count: row.n,
      tasks: tasksOf.get(id) ?? [],
      experiments: row.exps,
      firstSeen: metaOf.get(id)?.first_seen_experiment ?? null,
      representatives: reps[i]!.map((m) => ({
        runId: m.id,
        experimentId: m.experiment_id,
        taskId: m.task_id,
        trajectoryPath: m.trajectory_path,
      })),
    };
  });
}
