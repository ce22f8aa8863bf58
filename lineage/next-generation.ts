import { genomeHash } from '../agent/genome.js';
import { pairedComparison, type PairedComparison, taskScores } from '../evaluator/stats/index.js';
import type { Db } from './db/open.js';
import { now } from './db/open.js';
import { evaluateExperiment, type EvaluateExperimentOptions } from './evaluate-experiment.js';
import { championId, childrenOf, getExperiment, insertChild, parseGenome, recordDecision, setStatus } from './experiments.js';
import { writeExperimentFolder } from './folders.js';
import { decide, type RuleName } from './promote.js';
import { propose, type Proposal, type ProposerName } from './proposers.js';
import { type NodeStats, selectParent, type Selector } from './select.js';
import type { Experiment } from './db/schema.js';
import type { Workspace } from './workspace.js';

// One generation: select a parent, propose K one-change children, evaluate parent and children on the same tasks,
// compare each child with the champion (paired by task), promote under the rule (confirmed on the held-out split),
// and write every folder. The generation row records its children, so a killed generation resumes where it stopped.

export interface GenerationOptions {
  children?: number;
  proposer?: ProposerName;
  select?: Selector;
  rule?: RuleName;
  margin?: number;
  seed?: number;
  /** Confirm a train-split promotion on the held-out split before the champion changes (default on). */
  confirm?: boolean;
  eval?: Omit<EvaluateExperimentOptions, 'experimentId' | 'split'>;
  log?: (line: string) => void;
  /** Self-authoring hook (lineage/self-repair/author.ts): writes the children instead of the fixed proposer. */
  author?: (ctx: { parent: Experiment; champion: string; k: number; tried: Set<string>; seed: number }) => Promise<{ proposals: Proposal[]; proposer: string; authoredBy: string | null; note: string | null }>;
}

export interface ChildRow {
  id: string;
  change: string;
  score: number | null;
  lo: number | null;
  hi: number | null;
  delta: number | null;
  costUsd: number | null;
  decision: string;
}

export interface GenerationResult {
  generation: number;
  parent: string;
  champion: string;
  rows: ChildRow[];
  promoted: string | null;
  reason: string;
}

async function runsOf(db: Db, id: string, split: 'train' | 'heldout') {
  const tasks = new Set((await db.selectFrom('tasks').select('id').where('split', '=', split).execute()).map((t) => t.id));
  const rows = await db.selectFrom('runs').select(['task_id', 'repeat', 'outcome']).where('experiment_id', '=', id).where('status', '=', 'done').execute();
  return taskScores(rows.filter((r) => tasks.has(r.task_id)).map((r) => ({ taskId: r.task_id, repeat: r.repeat, resolved: r.outcome === 'resolved' })));
}

async function nodeStats(db: Db): Promise<NodeStats[]> {
  const exps = await db.selectFrom('experiments').select(['id', 'parent_id', 'score', 'status']).execute();
  const runs = await db.selectFrom('runs').select(['experiment_id', 'outcome']).where('status', '=', 'done').execute();
  const own = new Map<string, { s: number; f: number }>();
  for (const r of runs) {
    const c = own.get(r.experiment_id) ?? { s: 0, f: 0 };
    if (r.outcome === 'resolved') c.s++;
    else c.f++;
    own.set(r.experiment_id, c);
  }
  return exps
    .filter((e) => !['rejected', 'failed', 'retired'].includes(e.status))
    .map((e) => {
      // A node's evidence includes its descendants' (ids nest: exp-01-a-b descends from exp-01-a).
      const sub = exps.filter((x) => x.id === e.id || x.id.startsWith(`${e.id}-`));
      const total = sub.reduce((acc, x) => ({ s: acc.s + (own.get(x.id)?.s ?? 0), f: acc.f + (own.get(x.id)?.f ?? 0) }), { s: 0, f: 0 });
      return { id: e.id, score: e.score, children: exps.filter((x) => x.parent_id === e.id).length, successes: total.s, failures: total.f };
    });
}

function verdictOf(vs: PairedComparison): { verdict: 'confirmed' | 'refuted' | 'inconclusive'; learned: string } {
  const p = (x: number) => `${(100 * x).toFixed(1)} points`;
  if (vs.n === 0) return { verdict: 'inconclusive', learned: 'No shared tasks with the champion to compare on.' };
  if (vs.lo > 0) return { verdict: 'confirmed', learned: `Better than the champion by ${p(vs.diff)} on ${vs.n} shared tasks (interval ${p(vs.lo)} to ${p(vs.hi)}).` };
  if (vs.hi < 0) return { verdict: 'refuted', learned: `Worse than the champion by ${p(-vs.diff)} on ${vs.n} shared tasks (interval ${p(vs.lo)} to ${p(vs.hi)}).` };
  return { verdict: 'inconclusive', learned: `Difference ${p(vs.diff)} on ${vs.n} shared tasks is within noise (interval ${p(vs.lo)} to ${p(vs.hi)}).` };
}

export async function nextGeneration(ws: Workspace, o: GenerationOptions = {}): Promise<GenerationResult> {
  const { db, config } = ws;
  const log = o.log ?? (() => {});
  const cfg = { children: o.children ?? config.lineage.children, proposer: o.proposer ?? (config.lineage.proposer as ProposerName), select: o.select ?? (config.lineage.select as Selector), rule: o.rule ?? (config.lineage.rule as RuleName), margin: o.margin ?? config.lineage.margin };
  const champion = await championId(db);
  if (!champion) throw Object.assign(new Error('this workspace has no champion to grow from'), { hint: 'Run `evolve init` to seed exp-01.' });

  // Resume an unfinished generation, or start one.
  let gen = await db.selectFrom('generations').selectAll().where('status', '=', 'running').orderBy('id', 'desc').limit(1).executeTakeFirst();
  if (gen) log(`resuming generation ${gen.id} from ${gen.parent_id}`);
  else {
    const seed = o.seed ?? Math.floor(Math.random() * 2 ** 31);
    const parentId = selectParent(cfg.select, await nodeStats(db), champion, seed);
    const last = await db.selectFrom('generations').select('id').orderBy('id', 'desc').limit(1).executeTakeFirst();
    const row = { id: (last?.id ?? 0) + 1, parent_id: parentId, proposer: cfg.proposer, selector: cfg.select, rule: cfg.rule, seed, status: 'running' as const, config: JSON.stringify({ ...cfg, children: [] as string[], eval: { suite: o.eval?.suite ?? config.defaults.suite, subset: o.eval?.subset ?? null, repeats: o.eval?.repeats ?? config.defaults.repeats } }), started_at: now(), finished_at: null };
    await db.insertInto('generations').values(row).execute();
    gen = row;
  }
  const gcfg = JSON.parse(gen.config) as { children: string[] };
  const parent = await getExperiment(db, gen.parent_id);
  const evalOpts = { ...o.eval, split: config.defaults.split };

  // Children: proposed once, recorded on the generation row before anything runs.
  if (gcfg.children.length === 0) {
    const tried = new Set((await childrenOf(db, parent.id)).map((c) => c.genome_hash));
    tried.add(genomeHash(parseGenome(parent)));
    const authored = o.author
      ? await o.author({ parent, champion, k: cfg.children, tried, seed: gen.seed ?? 1 })
      : { proposals: propose(cfg.proposer, parseGenome(parent), { k: cfg.children, tried, seed: gen.seed ?? 1 }), proposer: cfg.proposer, authoredBy: null, note: null };
    if (authored.note) log(authored.note);
    const proposals = authored.proposals;
    if (proposals.length === 0) log(`every one-change variant of ${parent.id} has been tried; nothing to propose`);
    for (const p of proposals) {
      const child = await insertChild(db, { parent, genome: p.genome, hypothesis: p.hypothesis, proposer: authored.proposer, generation: parent.generation + 1, ...(gen.seed !== null ? { seed: gen.seed } : {}), ...(authored.authoredBy ? { authoredBy: authored.authoredBy } : {}) });
      gcfg.children.push(child.id);
      await writeExperimentFolder(db, ws.paths.experiments, child.id);
      log(`proposed ${child.id}: ${child.change_summary}`);
    }
    await db.updateTable('generations').set({ config: JSON.stringify({ ...JSON.parse(gen.config), children: gcfg.children, ...(o.author ? { author: { requested: 'champion', proposer: authored.proposer, note: authored.note } } : {}) }) }).where('id', '=', gen.id).execute();
  }

  // Evaluate champion, parent and children on the same tasks (finished runs are never repeated).
  for (const id of [...new Set([champion, parent.id]), ...gcfg.children]) {
    const e = await getExperiment(db, id);
    if (e.status === 'rejected' || e.status === 'failed') continue;
    log(`evaluating ${id}`);
    await evaluateExperiment(ws, { ...evalOpts, experimentId: id });
  }

  // Compare each child with the champion, paired by task, and record what was learned.
  const base = await runsOf(db, champion, evalOpts.split);
  const candidates = [];
  const rows: ChildRow[] = [];
  for (const id of gcfg.children) {
    const e = await getExperiment(db, id);
    const vs = pairedComparison(base, await runsOf(db, id, evalOpts.split), { seed: 1 });
    const { verdict, learned } = verdictOf(vs);
    await db.updateTable('experiments').set({ verdict, learned }).where('id', '=', id).execute();
    const runs = await db.selectFrom('runs').select('id').where('experiment_id', '=', id).where('status', '=', 'done').execute();
    candidates.push({ id, vs, costPerTask: (e.cost_usd ?? 0) / Math.max(1, runs.length) });
    rows.push({ id, change: e.change_summary, score: e.score, lo: e.score_lo, hi: e.score_hi, delta: vs.n ? vs.diff : null, costUsd: e.cost_usd, decision: verdict === 'refuted' ? 'retire' : 'keep' });
  }
  const verdict = decide(cfg.rule, candidates, cfg.margin);
  let promoted: string | null = null;
  let reason = verdict.reason;
  if (verdict.winner && (o.confirm ?? true) && evalOpts.split === 'train') {
    log(`confirming ${verdict.winner} on the held-out split`);
    for (const id of [champion, verdict.winner]) await evaluateExperiment(ws, { ...evalOpts, experimentId: id, split: 'heldout' });
    const held = pairedComparison(await runsOf(db, champion, 'heldout'), await runsOf(db, verdict.winner, 'heldout'), { seed: 1 });
    if (held.n > 0 && held.diff < 0) {
      await recordDecision(db, { experimentId: verdict.winner, action: 'confirm_failed', rule: cfg.rule, actor: 'rule', reason: `held-out: ${(100 * held.meanB).toFixed(1)}% vs champion ${(100 * held.meanA).toFixed(1)}% on ${held.n} tasks`, details: held });
      reason = `${verdict.reason}; held-out confirmation failed`;
    } else promoted = verdict.winner;
  } else promoted = verdict.winner;
  for (const row of rows) {
    if (row.id === promoted) {
      row.decision = 'promote';
      await recordDecision(db, { experimentId: row.id, action: 'promote', rule: cfg.rule, actor: 'rule', reason, details: candidates.find((c) => c.id === row.id)?.vs });
    } else if (row.decision === 'retire') {
      await recordDecision(db, { experimentId: row.id, action: 'retire', rule: cfg.rule, actor: 'rule', reason: 'refuted: worse than the champion on the shared tasks' });
    } else {
      await recordDecision(db, { experimentId: row.id, action: 'keep', rule: cfg.rule, actor: 'rule', reason: verdict.winner === row.id ? reason : `not the best child, or not better by the rule (${verdict.reason})` });
    }
  }
  for (const id of new Set([champion, parent.id, ...gcfg.children])) await writeExperimentFolder(db, ws.paths.experiments, id);
  await db.updateTable('generations').set({ status: 'done', finished_at: now() }).where('id', '=', gen.id).execute();
  return { generation: gen.id, parent: parent.id, champion: promoted ?? champion, rows, promoted, reason };
}
