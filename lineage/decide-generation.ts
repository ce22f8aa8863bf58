import { pairedComparison, type PairedComparison, taskScores } from '../evaluator/stats/index.js';
import type { Db } from './db/open.js';
import { getExperiment, recordDecision } from './experiments.js';
import { type Candidate, decide, type DecideOptions, isExploreChild, type RuleName } from './promote.js';

// The end of a generation: compare each child with the champion paired by task, record whether its hypothesis
// held and what was learned, apply the constraints and the rule, confirm a winner on the held-out split, keep
// every Nth child of the lineage as `explore`, and write one decision row per child.

export interface ChildRow {
  id: string;
  change: string;
  score: number | null;
  lo: number | null;
  hi: number | null;
  delta: number | null;
  costUsd: number | null;
  /** promote, keep, retire, discard (over a constraint) or explore (kept regardless of the rule). */
  decision: string;
}

export interface DecideGenerationOptions {
  champion: string;
  children: string[];
  rule: RuleName;
  margin: number;
  maxCostPerTask?: number;
  tolerance?: DecideOptions['tolerance'];
  /** Keep every Nth child of the lineage regardless of the rule (0 = never). */
  exploreEvery: number;
  split: 'train' | 'heldout';
  /** Runs the champion and the winner on the held-out split; absent = no confirmation. */
  confirmOnHeldout?: (ids: string[]) => Promise<void>;
  log: (line: string) => void;
}

async function runsOf(db: Db, id: string, split: 'train' | 'heldout') {
  const tasks = new Set((await db.selectFrom('tasks').select('id').where('split', '=', split).execute()).map((t) => t.id));
  const rows = await db.selectFrom('runs').select(['task_id', 'repeat', 'outcome']).where('experiment_id', '=', id).where('status', '=', 'done').execute();
  return taskScores(rows.filter((r) => tasks.has(r.task_id)).map((r) => ({ taskId: r.task_id, repeat: r.repeat, resolved: r.outcome === 'resolved' })));
}

/** Dollars and tokens per finished run of `id` on these tasks; tokens undefined when no run reported any. */
async function perRun(db: Db, id: string, taskIds: string[]): Promise<{ cost?: number; tokens?: number }> {
  if (taskIds.length === 0) return {};
  const rows = await db.selectFrom('runs').select(['cost_usd', 'input_tokens', 'output_tokens']).where('experiment_id', '=', id).where('status', '=', 'done').where('task_id', 'in', taskIds).execute();
  const n = Math.max(1, rows.length);
  const known = rows.filter((r) => r.input_tokens !== null || r.output_tokens !== null);
  // A run with no price (a model missing from the price table) makes the cost unknown, never $0.
  const cost = rows.some((r) => r.cost_usd === null) ? undefined : rows.reduce((s, r) => s + r.cost_usd!, 0) / n;
  return { ...(cost !== undefined ? { cost } : {}), ...(known.length ? { tokens: known.reduce((s, r) => s + (r.input_tokens ?? 0) + (r.output_tokens ?? 0), 0) / known.length } : {}) };
}

export function verdictOf(vs: PairedComparison): { verdict: 'confirmed' | 'refuted' | 'inconclusive'; learned: string } {
  const p = (x: number) => `${(100 * x).toFixed(1)} points`;
  if (vs.n === 0) return { verdict: 'inconclusive', learned: 'No shared tasks with the champion to compare on.' };
  if (vs.lo > 0) return { verdict: 'confirmed', learned: `Better than the champion by ${p(vs.diff)} on ${vs.n} shared tasks (interval ${p(vs.lo)} to ${p(vs.hi)}).` };
  if (vs.hi < 0) return { verdict: 'refuted', learned: `Worse than the champion by ${p(-vs.diff)} on ${vs.n} shared tasks (interval ${p(vs.lo)} to ${p(vs.hi)}).` };
  return { verdict: 'inconclusive', learned: `Difference ${p(vs.diff)} on ${vs.n} shared tasks is within noise (interval ${p(vs.lo)} to ${p(vs.hi)}).` };
}

/** 1-based position of each child among every child in the lineage, oldest first (the explore counter). */
async function childOrdinals(db: Db): Promise<Map<string, number>> {
  const rows = await db.selectFrom('experiments').select('id').where('parent_id', 'is not', null).orderBy('created_at').orderBy('id').execute();
  return new Map(rows.map((r, i) => [r.id, i + 1]));
}

export async function decideGeneration(db: Db, o: DecideGenerationOptions): Promise<{ rows: ChildRow[]; promoted: string | null; reason: string }> {
  const base = await runsOf(db, o.champion, o.split);
  const candidates: Candidate[] = [];
  const rows: ChildRow[] = [];
  for (const id of o.children) {
    const e = await getExperiment(db, id);
    const vs = pairedComparison(base, await runsOf(db, id, o.split), { seed: 1 });
    const { verdict, learned } = verdictOf(vs);
    await db.updateTable('experiments').set({ verdict, learned }).where('id', '=', id).execute();
    const child = await perRun(db, id, vs.tasks);
    const champ = await perRun(db, o.champion, vs.tasks);
    candidates.push({ id, vs, ...(child.cost !== undefined ? { costPerTask: child.cost } : {}), ...(child.tokens !== undefined ? { tokensPerTask: child.tokens } : {}), champion: { ...(champ.cost !== undefined ? { costPerTask: champ.cost } : {}), ...(champ.tokens !== undefined ? { tokensPerTask: champ.tokens } : {}) } });
    rows.push({ id, change: e.change_summary, score: e.score, lo: e.score_lo, hi: e.score_hi, delta: vs.n ? vs.diff : null, costUsd: e.cost_usd, decision: verdict === 'refuted' ? 'retire' : 'keep' });
  }
  const verdict = decide(o.rule, candidates, o.margin, o.maxCostPerTask, { ...(o.tolerance ? { tolerance: o.tolerance } : {}) });
  let promoted: string | null = null;
  let reason = verdict.reason;
  if (verdict.winner && o.confirmOnHeldout && o.split === 'train') {
    o.log(`confirming ${verdict.winner} on the held-out split`);
    await o.confirmOnHeldout([o.champion, verdict.winner]);
    const held = pairedComparison(await runsOf(db, o.champion, 'heldout'), await runsOf(db, verdict.winner, 'heldout'), { seed: 1 });
    if (held.n > 0 && held.diff < 0) {
      await recordDecision(db, { experimentId: verdict.winner, action: 'confirm_failed', rule: o.rule, actor: 'rule', reason: `held-out: ${(100 * held.meanB).toFixed(1)}% vs champion ${(100 * held.meanA).toFixed(1)}% on ${held.n} tasks`, details: held });
      reason = `${verdict.reason}; held-out confirmation failed`;
    } else promoted = verdict.winner;
  } else promoted = verdict.winner;

  const ordinals = o.exploreEvery > 0 ? await childOrdinals(db) : new Map<string, number>();
  const discarded = new Map(verdict.discarded.map((d) => [d.id, d.reason]));
  for (const row of rows) {
    const details = candidates.find((c) => c.id === row.id)!;
    const numbers = { ...details.vs, costPerTask: details.costPerTask ?? null, tokensPerTask: details.tokensPerTask ?? null, champion: details.champion };
    const ruleSaid = row.id === promoted ? 'promote' : discarded.has(row.id) ? 'discard' : row.decision;
    const ordinal = ordinals.get(row.id) ?? 0;
    // A constraint (the cost bound) is a hard limit, so it wins over explore too.
    if (ruleSaid !== 'promote' && ruleSaid !== 'discard' && isExploreChild(ordinal, o.exploreEvery)) {
      // Kept whatever the rule said, so the search also grows from children the rule would not pick.
      row.decision = 'explore';
      await recordDecision(db, { experimentId: row.id, action: 'explore', rule: o.rule, actor: 'rule', reason: `explore: child ${ordinal} of the lineage, kept regardless of the rule (lineage.exploreEvery ${o.exploreEvery}); the rule said ${ruleSaid}`, details: { ...numbers, ordinal, ruleSaid } });
    } else if (ruleSaid === 'promote') {
      row.decision = 'promote';
      await recordDecision(db, { experimentId: row.id, action: 'promote', rule: o.rule, actor: 'rule', reason, details: numbers });
    } else if (ruleSaid === 'discard') {
      row.decision = 'discard';
      await recordDecision(db, { experimentId: row.id, action: 'retire', rule: o.rule, actor: 'rule', reason: discarded.get(row.id)!, details: numbers });
    } else if (ruleSaid === 'retire') {
      await recordDecision(db, { experimentId: row.id, action: 'retire', rule: o.rule, actor: 'rule', reason: 'refuted: worse than the champion on the shared tasks', details: numbers });
    } else {
      await recordDecision(db, { experimentId: row.id, action: 'keep', rule: o.rule, actor: 'rule', reason: verdict.winner === row.id ? reason : `not the best child, or not better by the rule (${verdict.reason})`, details: numbers });
    }
  }
  return { rows, promoted, reason };
}
