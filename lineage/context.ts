import { canonicalJson } from '../agent/genome.js';
import { isDeterministicModel } from '../agent/models/registry.js';
import { minTasksToDetect, spendAtLook } from '../evaluator/stats/index.js';
import { Config } from './config.js';
import type { Db } from './db/open.js';
import { championId, listDecisions } from './db/repos/decisions.js';
import { childrenOf, getExperiment } from './db/repos/experiments.js';
import { parseGenome } from './experiments.js';
import { countTasks } from './db/repos/tasks.js';
import { latestEvaluation } from './db/repos/evaluations.js';
import { clusteredRuns, listClusters } from './db/repos/failure-clusters.js';

// What has been tried from a parent and how it went: `evolve context [ID]` prints it, and the `model` proposer
// reads exactly this (renderContext of readContext), so a person sees what the model saw. It holds only the
// genome, scores, hypotheses, verdicts, decisions and failure-cluster labels and counts: no hidden test, gold
// patch, grader output or trajectory reaches it.

export interface TriedChild {
  id: string;
  change: string;
  hypothesis: string;
  proposer: string | null;
  status: string;
  score: number | null;
  verdict: 'confirmed' | 'refuted' | 'inconclusive' | null;
  learned: string | null;
  /** The latest decision on the child. */
  decision: { action: string; actor: string; reason: string } | null;
}

export interface ContextCluster {
  id: string;
  label: string;
  runs: number;
  tasks: number;
  /** How many of the parent and its children have a failing run in this cluster. */
  experiments: number;
  /** In two or more of them. */
  recurring: boolean;
}

export interface LineageContext {
  parent: {
    id: string;
    generation: number;
    status: string;
    change: string;
    genome: unknown;
    score: number | null;
    scoreLo: number | null;
    scoreHi: number | null;
    costUsd: number | null;
    verdict: string | null;
    learned: string | null;
  };
  champion: string | null;
  tried: TriedChild[];
  /** Changes whose hypothesis the numbers confirmed / refuted / left open, as "change (id)". */
  confirmed: string[];
  refuted: string[];
  inconclusive: string[];
  /** Failure clusters over the parent and its children, most widespread first. */
  clusters: ContextCluster[];
  /** What the decisions can detect on the parent's suite (absent before it has been evaluated). */
  power?: DecisionPower;
}

/** The smallest gains the promotion test and the held-out confirmation can ever confirm on this suite's splits. */
export interface DecisionPower {
  suite: string;
  /** level/minTasks: the first look; lastLevel/lastMinTasks: the last look of a child's ladder (pooled evidence). */
  train: {
    tasks: number;
    level: number;
    minTasks: number;
    lastLevel: number;
    lastMinTasks: number;
    looks: number;
    /** The parent's model declares itself deterministic: one look at the whole share. */
    deterministic: boolean;
  };
  heldout: { tasks: number; level: number; minTasks: number };
}

type LineageSettings = Pick<Config['lineage'], 'children' | 'evidenceRounds' | 'heldoutAlpha'> &
  Partial<Pick<Config['lineage'], 'maxLooks' | 'reoffer'>>;

async function decisionPower(
  db: Db,
  id: string,
  model: string,
  cfg: LineageSettings,
): Promise<DecisionPower | undefined> {
  const ev = await latestEvaluation(db, id);
  if (!ev) return undefined;
  const count = (split: 'train' | 'heldout') => countTasks(db, ev.suite_id, split);
  // A child's share of 2.5% (1/children of it) spent over its looks: the evidence rounds, or with pooled evidence
  // (lineage.reoffer) lineage.maxLooks doublings of its repeats across generations. The first and last looks' levels.
  // A model that declares itself deterministic takes one look with the whole share (lineage/deterministic.ts).
  const deterministic = isDeterministicModel(model);
  const looks = deterministic
    ? 0
    : (cfg.reoffer ?? 0) > 0
      ? Math.max(cfg.maxLooks ?? 0, cfg.evidenceRounds)
      : cfg.evidenceRounds;
  const level = spendAtLook(0.025, 0, looks) / Math.max(1, cfg.children);
  const lastLevel = spendAtLook(0.025, looks, looks) / Math.max(1, cfg.children);
  return {
    suite: ev.suite_id,
    train: {
      tasks: await count('train'),
      level,
      minTasks: minTasksToDetect(level),
      lastLevel,
      lastMinTasks: minTasksToDetect(lastLevel),
      looks,
      deterministic,
    },
    heldout: { tasks: await count('heldout'), level: cfg.heldoutAlpha, minTasks: minTasksToDetect(cfg.heldoutAlpha) },
  };
}

/** The context of `id`, or of the champion when no id is given. */
export async function readContext(
  db: Db,
  id?: string,
  lineage: LineageSettings = Config.parse({}).lineage,
): Promise<LineageContext> {
  const champion = await championId(db);
  const parentId = id ?? champion;
  if (!parentId)
    throw Object.assign(new Error('this workspace has no champion'), {
      hint: 'Run `evolve init` to seed exp-01, or name an experiment.',
    });
  const p = await getExperiment(db, parentId);
  const kids = await childrenOf(db, p.id);
  const decisions = kids.length ? await listDecisions(db, { ids: kids.map((k) => k.id) }) : [];
  const latest = new Map(
    decisions.map((d) => [d.experiment_id, { action: d.action, actor: d.actor, reason: d.reason }]),
  );
  const tried: TriedChild[] = kids.map((k) => ({
    id: k.id,
    change: k.change_summary,
    hypothesis: k.hypothesis,
    proposer: k.proposer,
    status: k.status,
    score: k.score,
    verdict: k.verdict,
    learned: k.learned,
    decision: latest.get(k.id) ?? null,
  }));
  const by = (v: TriedChild['verdict']) => tried.filter((t) => t.verdict === v).map((t) => `${t.change} (${t.id})`);
  const power = await decisionPower(db, p.id, parseGenome(p).model, lineage);
  return {
    ...(power ? { power } : {}),
    parent: {
      id: p.id,
      generation: p.generation,
      status: p.status,
      change: p.change_summary,
      genome: JSON.parse(p.genome) as unknown,
      score: p.score,
      scoreLo: p.score_lo,
      scoreHi: p.score_hi,
      costUsd: p.cost_usd,
      verdict: p.verdict,
      learned: p.learned,
    },
    champion,
    tried,
    confirmed: by('confirmed'),
    refuted: by('refuted'),
    inconclusive: by('inconclusive'),
    clusters: await clustersOver(db, [p.id, ...kids.map((k) => k.id)]),
  };
}

async function clustersOver(db: Db, ids: string[]): Promise<ContextCluster[]> {
  const runs = await clusteredRuns(db, ids);
  if (runs.length === 0) return [];
  const labels = new Map(
    (await listClusters(db, [...new Set(runs.map((r) => r.cluster_id))])).map((c) => [c.id, c.label]),
  );
  const groups = new Map<string, { runs: number; tasks: Set<string>; exps: Set<string> }>();
  for (const r of runs) {
    const g = groups.get(r.cluster_id!) ?? { runs: 0, tasks: new Set(), exps: new Set() };
    g.runs++;
    g.tasks.add(r.task_id);
    g.exps.add(r.experiment_id);
    groups.set(r.cluster_id!, g);
  }
  return [...groups]
    .map(([cid, g]) => ({
      id: cid,
      label: labels.get(cid) ?? cid,
      runs: g.runs,
      tasks: g.tasks.size,
      experiments: g.exps.size,
      recurring: g.exps.size >= 2,
    }))
    .sort((a, b) => b.experiments - a.experiments || b.runs - a.runs || a.id.localeCompare(b.id));
}

const pct = (x: number | null) => (x === null ? 'not scored' : `${(100 * x).toFixed(1)}%`);

export function renderContext(c: LineageContext): string {
  const p = c.parent;
  const lines = [
    `Context for ${p.id}${p.id === c.champion ? ' (champion)' : ''}: generation ${p.generation}, ${p.status}, change "${p.change}"`,
    `  genome: ${canonicalJson(p.genome)}`,
    `  score: ${pct(p.score)}${p.scoreLo !== null ? ` (95% CI ${pct(p.scoreLo)} to ${pct(p.scoreHi)})` : ''}${p.costUsd !== null ? `; cost $${p.costUsd.toFixed(4)}` : ''}${p.verdict ? `; its own hypothesis ${p.verdict}` : ''}`,
    '',
    `Tried from ${p.id}: ${c.tried.length ? `${c.tried.length} child${c.tried.length === 1 ? '' : 'ren'}` : 'nothing yet'}`,
  ];
  for (const t of c.tried) {
    lines.push(
      `- ${t.id}  ${t.change}  score ${pct(t.score)}  ${t.verdict ?? 'not judged yet'}  ${t.decision ? `decision ${t.decision.action} (${t.decision.actor})` : `status ${t.status}`}`,
    );
    lines.push(`    hypothesis: ${t.hypothesis}`);
    if (t.learned) lines.push(`    learned: ${t.learned}`);
    if (t.decision) lines.push(`    why: ${t.decision.reason}`);
  }
  const list = (title: string, xs: string[]) => lines.push(`${title}: ${xs.length ? xs.join('; ') : 'none'}`);
  lines.push('');
  list('Confirmed mechanisms', c.confirmed);
  list('Refuted mechanisms', c.refuted);
  list('Inconclusive', c.inconclusive);
  lines.push('', `Failure clusters of ${p.id} and its children: ${c.clusters.length ? '' : 'none recorded'}`);
  for (const k of c.clusters)
    lines.push(
      `- ${k.label}: ${k.runs} run${k.runs === 1 ? '' : 's'} on ${k.tasks} task${k.tasks === 1 ? '' : 's'}, in ${k.experiments} experiment${k.experiments === 1 ? '' : 's'}${k.recurring ? ' (recurring)' : ''}`,
    );
  if (c.power) {
    const { suite, train, heldout } = c.power;
    const gain = (k: number, n: number) =>
      k > n
        ? `${k} tasks, more than the ${n} there are (no gain can be confirmed)`
        : `${k} of ${n} tasks (+${((100 * k) / n).toFixed(0)} points)`;
    lines.push(
      '',
      `Decision power on ${suite}: a child is promoted only when the paired test reaches one-sided p <= ${train.level.toPrecision(2)} ${train.deterministic ? `at its one look (its whole share of 2.5%: the model declares itself deterministic, so more repeats would reproduce the same outcomes)` : `at its first look (its share of 2.5%, spent over ${train.looks + 1} looks as its repeats double)`}, which on the train split takes at least ${gain(train.minTasks, train.tasks)} gained with none lost${train.looks > 0 ? `, and p <= ${train.lastLevel.toPrecision(2)} at its last look: at least ${gain(train.lastMinTasks, train.tasks)}` : ''}; held-out confirmation (superiority, one-sided ${heldout.level}) needs at least ${gain(heldout.minTasks, heldout.tasks)} gained with none lost. Smaller real gains are not detectable here.`,
    );
  }
  return lines.join('\n');
}
