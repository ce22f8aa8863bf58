import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { POLICY_SLOTS } from '../../agent/genome.js';
import { pairedComparison } from '../../evaluator/stats/index.js';
import { authorGroup, authorshipOf } from '../authorship.js';
import { championHistory } from '../champion-history.js';
import type { Db } from '../db/open.js';
import { experimentTaskScores, runCosts } from '../db/repos/runs.js';
import { modelCalls } from '../db/repos/model-calls.js';
import { readTree, type LineageTree } from '../read.js';
import { getStudy } from '../study/studies.js';
import { CONFIG_FILE, openWorkspace, type Workspace } from '../workspace.js';
import { listExperiments } from '../db/repos/experiments.js';
import { listDecisions } from '../db/repos/decisions.js';

// What `evolve report` shows, read from the databases: per replicate, the champion's score after each generation
// against generations, task evaluations and dollars; what its children did; its final champion on the held-out
// split against the root. A plain workspace is a study of one condition ("lineage") with one replicate.

export interface CurvePoint {
  generation: number;
  /** Runs finished so far (task evaluations), dollars spent so far (runs and the lineage's own model calls). */
  evaluations: number;
  dollars: number;
  score: number | null;
  champion: string;
}

export interface ChangeOutcome {
  /** e.g. "memory: switch policy", "prompt: tune params", "budgets", "code". */
  kind: string;
  promoted: boolean;
  /** The promote decision's paired difference (child - champion), when promoted. */
  improvement: number | null;
  /** Who wrote it, as a group (lineage/authorship.ts authorGroup): person, proposer:<name>, champion:code, ... */
  author: string;
}

export interface HeldoutComparison {
  root: number;
  champion: number;
  diff: number;
  lo: number;
  hi: number;
  tasks: number;
}

export interface ReplicateReport {
  condition: string;
  replicate: number;
  seed: number | null;
  curve: CurvePoint[];
  children: number;
  accepted: number;
  valid: number;
  dollars: number;
  /** Sum of run durations (compute time, whatever the concurrency). */
  runHours: number;
  changes: ChangeOutcome[];
  heldout: HeldoutComparison | null;
  finalChampion: string;
  finalScore: number | null;
  tree: LineageTree;
}

export interface ReportData {
  title: string;
  /** The study's conditions in order (one, "lineage", for a plain workspace). */
  conditions: string[];
  replicates: ReplicateReport[];
  /** The experiment whose path is highlighted in the tree of the chosen replicate. */
  highlight: { condition: string; replicate: number; experiment: string | null };
  generatedAt: string;
}

/** The kind of change an experiment made, from its change JSON (lineage/experiments.ts insertChild). */
export function changeKind(change: string): string {
  const c = JSON.parse(change) as { kind?: string; path?: string; from?: { name?: string }; to?: { name?: string } };
  if (c.kind !== 'genome') return c.kind ?? 'unknown';
  if ('also' in c) return 'combined';
  if (c.path && (POLICY_SLOTS as readonly string[]).includes(c.path))
    return `${c.path}: ${c.from?.name === c.to?.name ? 'tune params' : 'switch policy'}`;
  if (c.path?.startsWith('budgets.')) return 'budgets';
  return c.path ?? 'unknown';
}

/** One lineage's numbers (a study replicate's workspace, or a plain workspace). */
export async function readReplicate(
  db: Db,
  who: { condition: string; replicate: number; seed: number | null },
): Promise<ReplicateReport> {
  const history = await championHistory(db);
  const runs = await runCosts(db);
  const calls = await modelCalls(db);
  const upTo = (t: string) => ({
    evaluations: runs.filter((r) => (r.finished_at ?? '') <= t).length,
    dollars:
      runs.filter((r) => (r.finished_at ?? '') <= t).reduce((s, r) => s + (r.cost_usd ?? 0), 0) +
      calls.filter((c) => c.created_at <= t).reduce((s, c) => s + (c.cost_usd ?? 0), 0),
  });
  const curve = history.map((h) => ({ generation: h.generation, score: h.score, champion: h.champion, ...upTo(h.at) }));
  const exps = await listExperiments(db);
  const children = exps.filter((e) => e.parent_id !== null);
  const promotes = await listDecisions(db, { action: 'promote', actor: 'rule' });
  const diffOf = new Map(promotes.map((p) => [p.experiment_id, (JSON.parse(p.details) as { diff?: number }).diff]));
  const changes = children.map((e) => ({
    kind: changeKind(e.change),
    promoted: diffOf.has(e.id),
    improvement: diffOf.get(e.id) ?? null,
    author: authorGroup(authorshipOf(e)),
  }));
  const last = history.at(-1);
  const finalChampion = last?.champion ?? 'exp-01';
  let heldout: HeldoutComparison | null = null;
  const rootHeld = await experimentTaskScores(db, 'exp-01', 'heldout');
  const champHeld = finalChampion === 'exp-01' ? rootHeld : await experimentTaskScores(db, finalChampion, 'heldout');
  if (rootHeld.size > 0 && champHeld.size > 0) {
    const p = pairedComparison(rootHeld, champHeld, { seed: 1 });
    if (p.n > 0) heldout = { root: p.meanA, champion: p.meanB, diff: p.diff, lo: p.lo, hi: p.hi, tasks: p.n };
  }
  const total = upTo('9999');
  return {
    ...who,
    curve,
    children: children.length,
    accepted: changes.filter((c) => c.promoted).length,
    valid: children.filter((e) => !['failed', 'rejected'].includes(e.status)).length,
    dollars: total.dollars,
    runHours: runs.reduce((s, r) => s + (r.duration_ms ?? 0), 0) / 3_600_000,
    changes,
    heldout,
    finalChampion,
    finalScore: last?.score ?? null,
    tree: await readTree(db),
  };
}

/** A study's report data: every replicate that has a workspace yet. */
export async function readStudyReport(
  ws: Workspace,
  name: string,
  o: { replicate?: string } = {},
): Promise<ReportData> {
  const study = await getStudy(ws.db, name);
  const replicates: ReplicateReport[] = [];
  for (const r of study.replicates) {
    const dir = join(ws.paths.root, r.path);
    if (!existsSync(join(dir, CONFIG_FILE))) continue;
    const rws = await openWorkspace(dir);
    try {
      replicates.push(await readReplicate(rws.db, { condition: r.condition, replicate: r.replicate, seed: r.seed }));
    } finally {
      await rws.close();
    }
  }
  const conditions = study.config.conditions.map((c) => c.name);
  return {
    title: `Study ${name}: ${conditions.join(' vs ')}, ${study.config.replicates} replicates x ${study.config.generations} generations`,
    conditions,
    replicates,
    highlight: chooseReplicate(replicates, o.replicate),
    generatedAt: new Date().toISOString(),
  };
}

/** A plain workspace's lineage, its tree highlighting the path to `experiment` (default: the champion). */
export async function readLineageReport(ws: Workspace, experiment?: string): Promise<ReportData> {
  const rep = await readReplicate(ws.db, { condition: 'lineage', replicate: 1, seed: null });
  if (experiment && !rep.tree.nodes.some((n) => n.id === experiment))
    throw Object.assign(new Error(`no experiment or study named ${experiment} in this workspace`), {
      hint: 'Name an experiment id (`evolve tree` lists them) or a study (`evolve study status NAME`).',
    });
  return {
    title: `Lineage of ${ws.paths.root}`,
    conditions: ['lineage'],
    replicates: [rep],
    highlight: { condition: 'lineage', replicate: 1, experiment: experiment ?? rep.finalChampion },
    generatedAt: new Date().toISOString(),
  };
}

/** `--replicate condition/rK`, else the replicate with the best final score. */
function chooseReplicate(reps: ReplicateReport[], wanted?: string): ReportData['highlight'] {
  if (wanted) {
    const m = /^(.+)\/r(\d+)$/.exec(wanted);
    const r = m && reps.find((x) => x.condition === m[1] && x.replicate === Number(m[2]));
    if (!r)
      throw Object.assign(new Error(`--replicate ${wanted}: no such replicate with a workspace`), {
        hint: `Name one as CONDITION/rK, e.g. ${reps[0] ? `${reps[0].condition}/r${reps[0].replicate}` : 'random/r1'}.`,
        exitCode: 2,
      });
    return { condition: r.condition, replicate: r.replicate, experiment: r.finalChampion };
  }
  const best = [...reps].sort((a, b) => (b.finalScore ?? -1) - (a.finalScore ?? -1))[0];
  return best
    ? { condition: best.condition, replicate: best.replicate, experiment: best.finalChampion }
    : { condition: '', replicate: 0, experiment: null };
}
