import { readTrajectory, renderTranscript } from '../agent/trajectory.js';
import { sql } from 'kysely';
import type { Db } from './db/open.js';

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
}

export interface LineageTree {
  nodes: TreeNode[];
  championId: string | null;
}

export async function readTree(db: Db): Promise<LineageTree> {
  const rows = await db
    .selectFrom('experiments')
    .select(['id', 'parent_id', 'generation', 'change_summary', 'status', 'score', 'score_lo', 'score_hi', 'cost_usd', 'authored_by', 'proposer'])
    .orderBy('id')
    .execute();
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
      proposer: r.proposer,
    })),
    championId: await readChampionId(db),
  };
}

export async function readChampionId(db: Db): Promise<string | null> {
  const row = await db.selectFrom('champions').select('experiment_id').orderBy('id', 'desc').limit(1).executeTakeFirst();
  return row?.experiment_id ?? null;
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
  flags: string[];
  runs: RunCell[];
  parentRuns: RunCell[];
  totals: { costUsd: number; tokens: number; runs: number };
  decisions: Array<{ action: string; rule: string; actor: string; reason: string; at: string }>;
}

async function readRunCells(db: Db, experimentId: string): Promise<RunCell[]> {
  const rows = await db
    .selectFrom('runs')
    .select(['id', 'task_id', 'repeat', 'status', 'outcome', 'exit_reason', 'trajectory_path', 'cost_usd', 'input_tokens', 'output_tokens'])
    .where('experiment_id', '=', experimentId)
    .orderBy('task_id')
    .orderBy('repeat')
    .execute();
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
  const row = await db.selectFrom('experiments').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return null;
  const parent = row.parent_id ? await db.selectFrom('experiments').select('genome').where('id', '=', row.parent_id).executeTakeFirst() : undefined;
  const runs = await readRunCells(db, id);
  const parentRuns = row.parent_id ? await readRunCells(db, row.parent_id) : [];
  const decisions = await db.selectFrom('decisions').selectAll().where('experiment_id', '=', id).orderBy('id').execute();
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
    flags: JSON.parse(row.flags) as string[],
    runs,
    parentRuns,
    totals: {
      costUsd: runs.reduce((s, r) => s + (r.costUsd ?? 0), 0),
      tokens: runs.reduce((s, r) => s + (r.tokens ?? 0), 0),
      runs: runs.length,
    },
    decisions: decisions.map((d) => ({ action: d.action, rule: d.rule, actor: d.actor, reason: d.reason, at: d.created_at })),
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
  return (await db.selectFrom('experiments').select('id').where('generation', '=', s.generation).orderBy('id').execute()).map((e) => e.id);
}

export async function readClusters(db: Db, scope?: ClusterScope): Promise<ClusterSummary[]> {
  const ids = await scopeExperiments(db, scope);
  if (ids?.length === 0) return [];
  let counts = db.selectFrom('runs').select(['cluster_id', sql<number>`count(*)`.as('n')]).where('cluster_id', 'is not', null).groupBy('cluster_id');
  if (ids) counts = counts.where('experiment_id', 'in', ids);
  const rows = await counts.orderBy('n', 'desc').orderBy('cluster_id').execute();
  const meta = new Map((await db.selectFrom('failure_clusters').select(['id', 'label', 'first_seen_experiment']).execute()).map((c) => [c.id, c]));
  const out: ClusterSummary[] = [];
  for (const row of rows) {
    const id = row.cluster_id as string;
    let runs = db.selectFrom('runs').select(['id', 'experiment_id', 'task_id', 'trajectory_path']).where('cluster_id', '=', id);
    if (ids) runs = runs.where('experiment_id', 'in', ids);
    const members = await runs.orderBy('id', 'desc').execute();
    out.push({
      id,
      label: meta.get(id)?.label ?? id,
      count: Number(row.n),
      tasks: [...new Set(members.map((m) => m.task_id))].sort(),
      experiments: new Set(members.map((m) => m.experiment_id)).size,
      firstSeen: meta.get(id)?.first_seen_experiment ?? null,
      representatives: members.slice(0, 3).map((m) => ({ runId: m.id, experimentId: m.experiment_id, taskId: m.task_id, trajectoryPath: m.trajectory_path })),
    });
  }
  return out;
}

export interface LiveProgress {
  experimentId: string;
  done: number;
  running: number;
  failed: number;
  pending: number;
  costUsd: number;
  startedAt: string | null;
  /** Seconds until done at the rate so far; null until one run finished. */
  etaSec: number | null;
}

/** Progress of every experiment that still has unfinished runs, for the live view. */
export async function readLiveProgress(db: Db, at: Date = new Date()): Promise<LiveProgress[]> {
  const active = await db.selectFrom('runs').select('experiment_id').distinct().where('status', 'in', ['pending', 'running']).execute();
  if (active.length === 0) return [];
  const ids = active.map((a) => a.experiment_id);
  const rows = await db
    .selectFrom('runs')
    .select([
      'experiment_id',
      'status',
      'outcome',
      sql<number>`count(*)`.as('n'),
      sql<number>`coalesce(sum(cost_usd), 0)`.as('cost'),
      sql<string | null>`min(started_at)`.as('started'),
    ])
    .where('experiment_id', 'in', ids)
    .groupBy(['experiment_id', 'status', 'outcome'])
    .execute();
  const byId = new Map<string, LiveProgress>();
  for (const r of rows) {
    const p = byId.get(r.experiment_id) ?? { experimentId: r.experiment_id, done: 0, running: 0, failed: 0, pending: 0, costUsd: 0, startedAt: null, etaSec: null };
    const n = Number(r.n);
    if (r.status === 'done') p.done += n;
    else if (r.status === 'running') p.running += n;
    else if (r.status === 'pending') p.pending += n;
    else p.failed += n;
    p.costUsd += Number(r.cost);
    if (r.started && (!p.startedAt || r.started < p.startedAt)) p.startedAt = r.started;
    byId.set(r.experiment_id, p);
  }
  for (const p of byId.values()) {
    const finished = p.done + p.failed;
    if (finished > 0 && p.startedAt) {
      const elapsed = (at.getTime() - Date.parse(p.startedAt)) / 1000;
      p.etaSec = Math.max(0, Math.round((elapsed / finished) * (p.pending + p.running)));
    }
  }
  return [...byId.values()].sort((a, b) => a.experimentId.localeCompare(b.experimentId));
}

/** A run's trajectory as readable transcript lines; a damaged file yields a line saying what is wrong. */
export function readTrajectoryLines(path: string): string[] {
  try {
    return renderTranscript(readTrajectory(path)).split('\n');
  } catch (error) {
    return [`cannot read trajectory ${path}: ${(error as Error).message}`];
  }
}
