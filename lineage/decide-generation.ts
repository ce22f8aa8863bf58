import { pairedComparison, type PairedComparison, taskScores } from '../evaluator/stats/index.js';
import type { Db } from './db/open.js';
import { getExperiment, recordDecision } from './experiments.js';
import { needsMoreEvidence } from './more-evidence.js';
import { type Candidate, decide, type DecideOptions, isExploreChild, type RuleName, type Verdict } from './promote.js';

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
  /** Adaptive evidence (lineage/more-evidence.ts): absent or rounds 0 = decide on the generation's runs alone. */
  moreEvidence?: { rounds: number; baseRepeats: number; run: (ids: string[], repeats: number) => Promise<void> };
  log: (line: string) => void;
}

/** What adaptive evidence did in a generation: kept in the generation config and the best child's decision. */
export interface EvidenceRecord {
  /** Extra rounds the focused child and the champion have had (counted from their repeats, so resume-safe). */
  rounds: number;
  child: string | null;
  /** Repeats per task the child and champion reached; null when no round ran. */
  repeats: number | null;
  /** Why each round ran, in order, then why the rounds stopped. */
  why: string[];
  stopped: string;
  /** A round whose runs did not all finish (a budget, errors); the rule decided on the runs there were. */
  unfinishedRound: number | null;
}

async function runsOf(db: Db, id: string, split: 'train' | 'heldout') {
  const tasks = new Set(
    (await db.selectFrom('tasks').select('id').where('split', '=', split).execute()).map((t) => t.id),
  );
  const rows = await db
    .selectFrom('runs')
    .select(['task_id', 'repeat', 'outcome'])
    .where('experiment_id', '=', id)
    .where('status', '=', 'done')
    .execute();
  return taskScores(
    rows
      .filter((r) => tasks.has(r.task_id))
      .map((r) => ({ taskId: r.task_id, repeat: r.repeat, resolved: r.outcome === 'resolved' })),
  );
}

/** Dollars and tokens per finished run of `id` on these tasks; tokens undefined when no run reported any. */
async function perRun(db: Db, id: string, taskIds: string[]): Promise<{ cost?: number; tokens?: number }> {
  if (taskIds.length === 0) return {};
  const rows = await db
    .selectFrom('runs')
    .select(['cost_usd', 'input_tokens', 'output_tokens'])
    .where('experiment_id', '=', id)
    .where('status', '=', 'done')
    .where('task_id', 'in', taskIds)
    .execute();
  const n = Math.max(1, rows.length);
  const known = rows.filter((r) => r.input_tokens !== null || r.output_tokens !== null);
  // A run with no price (a model missing from the price table) makes the cost unknown, never $0.
  const cost = rows.some((r) => r.cost_usd === null) ? undefined : rows.reduce((s, r) => s + r.cost_usd!, 0) / n;
  return {
    ...(cost !== undefined ? { cost } : {}),
    ...(known.length
      ? { tokens: known.reduce((s, r) => s + (r.input_tokens ?? 0) + (r.output_tokens ?? 0), 0) / known.length }
      : {}),
  };
}

export function verdictOf(vs: PairedComparison): {
  verdict: 'confirmed' | 'refuted' | 'inconclusive';
  learned: string;
} {
  const p = (x: number) => `${(100 * x).toFixed(1)} points`;
  if (vs.n === 0) return { verdict: 'inconclusive', learned: 'No shared tasks with the champion to compare on.' };
  if (vs.lo > 0)
    return {
      verdict: 'confirmed',
      learned: `Better than the champion by ${p(vs.diff)} on ${vs.n} shared tasks (interval ${p(vs.lo)} to ${p(vs.hi)}).`,
    };
  if (vs.hi < 0)
    return {
      verdict: 'refuted',
      learned: `Worse than the champion by ${p(-vs.diff)} on ${vs.n} shared tasks (interval ${p(vs.lo)} to ${p(vs.hi)}).`,
    };
  return {
    verdict: 'inconclusive',
    learned: `Difference ${p(vs.diff)} on ${vs.n} shared tasks is within noise (interval ${p(vs.lo)} to ${p(vs.hi)}).`,
  };
}

/** 1-based position of each child among every child in the lineage, oldest first (the explore counter). */
async function childOrdinals(db: Db): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('experiments')
    .select('id')
    .where('parent_id', 'is not', null)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return new Map(rows.map((r, i) => [r.id, i + 1]));
}

interface Compared {
  candidates: Candidate[];
  /** Fewest finished repeats of each child on a shared task. */
  repeats: Map<string, number>;
}

async function compareChildren(db: Db, o: DecideGenerationOptions): Promise<Compared> {
  const base = await runsOf(db, o.champion, o.split);
  const candidates: Candidate[] = [];
  const repeats = new Map<string, number>();
  for (const id of o.children) {
    const mine = await runsOf(db, id, o.split);
    const vs = pairedComparison(base, mine, { seed: 1 });
    repeats.set(id, vs.tasks.length ? Math.min(...vs.tasks.map((t) => mine.get(t)!.n)) : 0);
    const child = await perRun(db, id, vs.tasks);
    const champ = await perRun(db, o.champion, vs.tasks);
    candidates.push({
      id,
      vs,
      ...(child.cost !== undefined ? { costPerTask: child.cost } : {}),
      ...(child.tokens !== undefined ? { tokensPerTask: child.tokens } : {}),
      champion: {
        ...(champ.cost !== undefined ? { costPerTask: champ.cost } : {}),
        ...(champ.tokens !== undefined ? { tokensPerTask: champ.tokens } : {}),
      },
    });
  }
  return { candidates, repeats };
}

/** Decide under the rule; while the best child is inconclusive but looks better, run it and the champion for more
 * repeats (at most moreEvidence.rounds rounds) and decide again on the pooled runs. */
async function decideWithEvidence(
  db: Db,
  o: DecideGenerationOptions,
): Promise<{ candidates: Candidate[]; verdict: Verdict; evidence: EvidenceRecord }> {
  const ruleSays = (cs: Candidate[]) =>
    decide(o.rule, cs, o.margin, o.maxCostPerTask, { ...(o.tolerance ? { tolerance: o.tolerance } : {}) });
  let { candidates, repeats } = await compareChildren(db, o);
  let verdict = ruleSays(candidates);
  const evidence: EvidenceRecord = {
    rounds: 0,
    child: null,
    repeats: null,
    why: [],
    stopped: 'adaptive evidence is off',
    unfinishedRound: null,
  };
  const more = o.moreEvidence;
  if (!more) return { candidates, verdict, evidence };
  for (;;) {
    const call = needsMoreEvidence({
      verdict,
      candidates,
      repeats,
      margin: o.margin,
      baseRepeats: more.baseRepeats,
      maxRounds: more.rounds,
    });
    if (!call.more) {
      Object.assign(evidence, {
        rounds: call.roundsRun,
        child: call.child,
        repeats: call.child ? (repeats.get(call.child) ?? null) : null,
        stopped: call.reason,
      });
      break;
    }
    o.log(`more evidence: ${call.reason}`);
    evidence.why.push(call.reason);
    await more.run([o.champion, call.child], call.repeats);
    ({ candidates, repeats } = await compareChildren(db, o));
    verdict = ruleSays(candidates);
    // Runs that did not finish (a budget, errors) leave the round short: decide on what there is rather than loop.
    if ((repeats.get(call.child) ?? 0) < call.repeats) {
      Object.assign(evidence, {
        rounds: call.round - 1,
        child: call.child,
        repeats: repeats.get(call.child) ?? 0,
        unfinishedRound: call.round,
      });
      evidence.stopped = `round ${call.round} did not finish (${call.child} has ${repeats.get(call.child) ?? 0} of ${call.repeats} repeats on some task); deciding on the runs there are`;
      o.log(`more evidence: ${evidence.stopped}`);
      break;
    }
  }
  return { candidates, verdict, evidence };
}

export async function decideGeneration(
  db: Db,
  o: DecideGenerationOptions,
): Promise<{ rows: ChildRow[]; promoted: string | null; reason: string; evidence: EvidenceRecord }> {
  const { candidates, verdict, evidence } = await decideWithEvidence(db, o);
  const rows: ChildRow[] = [];
  for (const { id, vs } of candidates) {
    const e = await getExperiment(db, id);
    const { verdict: said, learned } = verdictOf(vs);
    await db.updateTable('experiments').set({ verdict: said, learned }).where('id', '=', id).execute();
    rows.push({
      id,
      change: e.change_summary,
      score: e.score,
      lo: e.score_lo,
      hi: e.score_hi,
      delta: vs.n ? vs.diff : null,
      costUsd: e.cost_usd,
      decision: said === 'refuted' ? 'retire' : 'keep',
    });
  }
  let promoted: string | null = null;
  const after =
    evidence.rounds > 0
      ? ` (after ${evidence.rounds} extra evidence round${evidence.rounds === 1 ? '' : 's'}: ${evidence.child} and the champion at ${evidence.repeats} repeats per task)`
      : '';
  let reason = `${verdict.reason}${after}${evidence.unfinishedRound !== null ? `; ${evidence.stopped}` : ''}`;
  if (verdict.winner && o.confirmOnHeldout && o.split === 'train') {
    o.log(`confirming ${verdict.winner} on the held-out split`);
    await o.confirmOnHeldout([o.champion, verdict.winner]);
    const held = pairedComparison(
      await runsOf(db, o.champion, 'heldout'),
      await runsOf(db, verdict.winner, 'heldout'),
      { seed: 1 },
    );
    if (held.n > 0 && held.diff < 0) {
      await recordDecision(db, {
        experimentId: verdict.winner,
        action: 'confirm_failed',
        rule: o.rule,
        actor: 'rule',
        reason: `held-out: ${(100 * held.meanB).toFixed(1)}% vs champion ${(100 * held.meanA).toFixed(1)}% on ${held.n} tasks`,
        details: held,
      });
      reason = `${reason}; held-out confirmation failed`;
    } else promoted = verdict.winner;
  } else promoted = verdict.winner;

  const ordinals = o.exploreEvery > 0 ? await childOrdinals(db) : new Map<string, number>();
  const discarded = new Map(verdict.discarded.map((d) => [d.id, d.reason]));
  for (const row of rows) {
    const details = candidates.find((c) => c.id === row.id)!;
    const numbers = {
      ...details.vs,
      costPerTask: details.costPerTask ?? null,
      tokensPerTask: details.tokensPerTask ?? null,
      champion: details.champion,
      ...(row.id === verdict.best && o.moreEvidence ? { evidence } : {}),
    };
    const ruleSaid = row.id === promoted ? 'promote' : discarded.has(row.id) ? 'discard' : row.decision;
    const ordinal = ordinals.get(row.id) ?? 0;
    // A constraint (the cost bound) is a hard limit, so it wins over explore too.
    if (ruleSaid !== 'promote' && ruleSaid !== 'discard' && isExploreChild(ordinal, o.exploreEvery)) {
      // Kept whatever the rule said, so the search also grows from children the rule would not pick.
      row.decision = 'explore';
      await recordDecision(db, {
        experimentId: row.id,
        action: 'explore',
        rule: o.rule,
        actor: 'rule',
        reason: `explore: child ${ordinal} of the lineage, kept regardless of the rule (lineage.exploreEvery ${o.exploreEvery}); the rule said ${ruleSaid}`,
        details: { ...numbers, ordinal, ruleSaid },
      });
    } else if (ruleSaid === 'promote') {
      row.decision = 'promote';
      await recordDecision(db, {
        experimentId: row.id,
        action: 'promote',
        rule: o.rule,
        actor: 'rule',
        reason,
        details: numbers,
      });
    } else if (ruleSaid === 'discard') {
      row.decision = 'discard';
      await recordDecision(db, {
        experimentId: row.id,
        action: 'retire',
        rule: o.rule,
        actor: 'rule',
        reason: discarded.get(row.id)!,
        details: numbers,
      });
    } else if (ruleSaid === 'retire') {
      await recordDecision(db, {
        experimentId: row.id,
        action: 'retire',
        rule: o.rule,
        actor: 'rule',
        reason: 'refuted: worse than the champion on the shared tasks',
        details: numbers,
      });
    } else {
      await recordDecision(db, {
        experimentId: row.id,
        action: 'keep',
        rule: o.rule,
        actor: 'rule',
        reason:
          verdict.winner === row.id ? reason : `not the best child, or not better by the rule (${verdict.reason})`,
        details: numbers,
      });
    }
  }
  return { rows, promoted, reason, evidence };
}
