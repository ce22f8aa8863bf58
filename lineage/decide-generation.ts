import { pairedComparison, type PairedComparison, type TaskScore } from '../evaluator/stats/index.js';
import { agentRuns, experimentTaskScores, taskKey } from './db/repos/runs.js';
import type { Db } from './db/open.js';
import { childLevel, lookAlpha, needsMoreEvidence, roundsRun } from './more-evidence.js';
import { describeNoiseMargin, noiseMargin } from './noise-margin.js';
import {
  ALPHA,
  type Candidate,
  decide,
  type DecideOptions,
  isExploreChild,
  type RuleName,
  type Verdict,
} from './promote.js';
import { childrenInOrder, getExperiment, updateExperiment } from './db/repos/experiments.js';
import { recordDecision } from './db/repos/decisions.js';

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
  /** promote, not promoted, retire, discard (over a constraint) or explore (kept regardless of the rule). */
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
  /** Runs the champion and the winner on the whole held-out split at `repeats`; absent = no confirmation. */
  confirmOnHeldout?: (ids: string[], repeats: number) => Promise<void>;
  /** Repeats per held-out task (default 1; more where the model is stochastic). */
  heldoutRepeats?: number;
  /** The held-out superiority test's one-sided level (default HELDOUT_ALPHA). */
  heldoutAlpha?: number;
  /** Adaptive evidence (lineage/more-evidence.ts): absent or rounds 0 = decide on the generation's runs alone. */
  moreEvidence?: { rounds: number; baseRepeats: number; run: (ids: string[], repeats: number) => Promise<void> };
  /** The model is known to be deterministic (declared, or its repeats were identical): no extra rounds, one repeat on
   * held-out. */
  deterministic?: boolean;
  /** Why it is deterministic (declared by the models, or seen in the repeats), for the evidence record. */
  deterministicWhy?: string;
  /** Evidence pooled across generations (lineage/pooled-evidence.ts): each child is tested at its own level, its share
   * of its own generation's level at its look (childLevel over looks 0..maxLooks), and held-out confirmation has looks
   * too (its repeats double each time, at least the winner's train repeats; its level spent over them). Absent: the
   * children share each look's level (Holm), and the held-out test has one look. */
  pool?: {
    maxLooks: number;
    /** New children in each child's own generation. */
    family: ReadonlyMap<string, number>;
    /** Repeats each child had when this generation began. */
    startRepeats: ReadonlyMap<string, number>;
  };
  log: (line: string) => void;
  /** The generation deciding: its decisions are recorded once however often it is resumed (recordDecision). */
  generation?: number;
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
  /** The default rule's level at each look (the first decision, then each extra round): the alpha spending. */
  alphaByLook: number[];
}

/** Dollars and tokens per finished run of `id` on these tasks (`suite/task`); tokens undefined when no run reported any. */
async function perRun(db: Db, id: string, taskKeys: string[]): Promise<{ cost?: number; tokens?: number }> {
  if (taskKeys.length === 0) return {};
  const wanted = new Set(taskKeys);
  const rows = (await agentRuns(db, id, { done: true })).filter((r) => wanted.has(taskKey(r)));
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

/** The child's own hypothesis, judged by the paired test at the unadjusted level (the promotion itself is Holm-adjusted
 * across the generation's children). */
export function verdictOf(vs: PairedComparison): {
  verdict: 'confirmed' | 'refuted' | 'inconclusive';
  learned: string;
} {
  const p = (x: number) => `${(100 * x).toFixed(1)} points`;
  if (vs.n === 0) return { verdict: 'inconclusive', learned: 'No shared tasks with the champion to compare on.' };
  const test = `${vs.test.description}; one-sided p = ${vs.test.p.toPrecision(2)} better, ${vs.test.pWorse.toPrecision(2)} worse; bootstrap interval ${p(vs.lo)} to ${p(vs.hi)}`;
  if (vs.test.p <= ALPHA)
    return {
      verdict: 'confirmed',
      learned: `Better than the champion by ${p(vs.diff)} on ${vs.n} shared tasks (${test}).`,
    };
  if (vs.test.pWorse <= ALPHA)
    return {
      verdict: 'refuted',
      learned: `Worse than the champion by ${p(-vs.diff)} on ${vs.n} shared tasks (${test}).`,
    };
  return {
    verdict: 'inconclusive',
    learned: `Difference ${p(vs.diff)} on ${vs.n} shared tasks is within noise (${test}).`,
  };
}

/** Held-out confirmation as a test: the winner against the champion on the whole held-out split. */
export interface HeldoutRecord {
  criterion: 'superiority';
  n: number;
  repeats: number;
  meanA: number;
  meanB: number;
  diff: number;
  lo: number;
  hi: number;
  test: PairedComparison['test'];
  alpha: number;
  verdict: 'confirmed' | 'failed';
}

// The held-out criterion is superiority (one-sided paired test, H0: held-out difference <= 0, at HELDOUT_ALPHA), not
// non-inferiority. Why: the train test keeps a generation's false-promotion rate at ALPHA, but a lineage runs many
// generations, and a non-inferiority check passes most no-better winners (about 60% in the null simulation), so 30
// generations would still promote noise most of the time. An independent superiority test on tasks no proposer saw
// multiplies the two levels: at most ALPHA x HELDOUT_ALPHA = 0.125% of generations promote a no-better child, under
// 4% of 30-generation lineages. The price is power: held-out must show the gain too (README: what it can detect).
export const HELDOUT_ALPHA = 0.05;

export function heldoutVerdict(held: PairedComparison, repeats: number, alpha = HELDOUT_ALPHA): HeldoutRecord {
  return {
    criterion: 'superiority',
    n: held.n,
    repeats,
    meanA: held.meanA,
    meanB: held.meanB,
    diff: held.diff,
    lo: held.lo,
    hi: held.hi,
    test: held.test,
    alpha,
    verdict: held.n > 0 && held.diff > 0 && held.test.p <= alpha ? 'confirmed' : 'failed',
  };
}

export function describeHeldout(h: HeldoutRecord): string {
  const pc = (x: number) => `${(100 * x).toFixed(1)}%`;
  const pts = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}`;
  return `held-out ${h.verdict}: ${pc(h.meanB)} vs champion ${pc(h.meanA)} on ${h.n} tasks x ${h.repeats} repeat${h.repeats === 1 ? '' : 's'}, difference ${pts(h.diff)} points [bootstrap ${pts(h.lo)}, ${pts(h.hi)}], ${h.test.description}: one-sided p = ${h.test.p.toPrecision(2)} ${h.verdict === 'confirmed' ? '<=' : 'not <='} ${h.alpha} (superiority)`;
}

/** 1-based position of each child among every child in the lineage, oldest first (the explore counter). */
async function childOrdinals(db: Db): Promise<Map<string, number>> {
  return new Map((await childrenInOrder(db)).map((r, i) => [r.id, i + 1]));
}

interface Compared {
  candidates: Candidate[];
  /** Fewest finished repeats of each child on a shared task. */
  repeats: Map<string, number>;
  /** Child and champion both ran each shared task at least twice with the same outcome every time. */
  identical: Map<string, boolean>;
}

async function compareChildren(db: Db, o: DecideGenerationOptions): Promise<Compared> {
  const base = await experimentTaskScores(db, o.champion, o.split);
  const candidates: Candidate[] = [];
  const repeats = new Map<string, number>();
  const identical = new Map<string, boolean>();
  for (const id of o.children) {
    const mine = await experimentTaskScores(db, id, o.split);
    const vs = pairedComparison(base, mine, { seed: 1, margin: o.margin });
    repeats.set(id, vs.tasks.length ? Math.min(...vs.tasks.map((t) => mine.get(t)!.n)) : 0);
    identical.set(id, repeatsIdentical(base, mine, vs.tasks));
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
  return { candidates, repeats, identical };
}

/** Fewest finished repeats on any task (0 when none ran). */
const minRepeats = (scores: Map<string, TaskScore>) =>
  scores.size ? Math.min(...[...scores.values()].map((t) => t.n)) : 0;

/** Determinism seen in the runs: both sides ran every shared task at least twice and no task's outcome ever varied. */
export function repeatsIdentical(a: Map<string, TaskScore>, b: Map<string, TaskScore>, tasks: string[]): boolean {
  const constant = (s: TaskScore) => s.n >= 2 && (s.resolved === 0 || s.resolved === s.n);
  return tasks.length > 0 && tasks.every((t) => constant(a.get(t)!) && constant(b.get(t)!));
}

/** Decide under the rule; while the best child is inconclusive but looks better, run it and the champion for more
 * repeats (at most moreEvidence.rounds rounds) and decide again on the pooled runs, each look at its alpha spend. */
async function decideWithEvidence(
  db: Db,
  o: DecideGenerationOptions,
): Promise<{
  candidates: Candidate[];
  verdict: Verdict;
  evidence: EvidenceRecord;
  repeats: Map<string, number>;
  /** Looks in a child's ladder (lineage.maxLooks with pooling, else this generation's rounds). */
  ladder: number;
}> {
  const more = o.moreEvidence;
  const rounds = more && !o.deterministic ? more.rounds : 0;
  const pool = o.pool;
  // A deterministic model's repeats reproduce its outcomes: its one look gets the whole level.
  const ladder = pool && !o.deterministic ? Math.max(pool.maxLooks, rounds) : rounds;
  const base = more?.baseRepeats ?? 1;
  const levelAt = (id: string, look: number) => childLevel(look, ladder, pool?.family.get(id) ?? o.children.length);
  let { candidates, repeats, identical } = await compareChildren(db, o);
  const ruleSays = (cs: Candidate[], look: number, only?: string) =>
    decide(o.rule, cs, o.margin, o.maxCostPerTask, {
      ...(o.tolerance ? { tolerance: o.tolerance } : {}),
      ...(pool
        ? { levels: new Map(cs.map((c) => [c.id, levelAt(c.id, roundsRun(repeats.get(c.id) ?? 0, base))])) }
        : { alpha: lookAlpha(look, rounds), ...(only ? { only } : {}) }),
    });
  let verdict = ruleSays(candidates, 0);
  const evidence: EvidenceRecord = {
    rounds: 0,
    child: null,
    repeats: null,
    why: [],
    stopped: 'adaptive evidence is off',
    unfinishedRound: null,
    alphaByLook: Array.from({ length: ladder + 1 }, (_, k) => lookAlpha(k, ladder)),
  };
  if (!more) return { candidates, verdict, evidence, repeats, ladder };
  for (;;) {
    const call = needsMoreEvidence({
      verdict,
      candidates,
      repeats,
      margin: o.margin,
      baseRepeats: more.baseRepeats,
      maxRounds: rounds,
      deterministic: o.deterministic === true || identical.get(verdict.best ?? '') === true,
      ...(pool ? { maxLooks: ladder, startRepeats: pool.startRepeats, levelAt } : {}),
    });
    if (!call.more) {
      Object.assign(evidence, {
        rounds: call.roundsRun,
        child: call.child,
        repeats: call.child ? (repeats.get(call.child) ?? null) : null,
        stopped: o.deterministic
          ? `the model is deterministic (${o.deterministicWhy ?? 'its repeats are identical'}): one look at the whole level, no extra rounds; ${call.reason}`
          : call.reason,
      });
      break;
    }
    o.log(`more evidence: ${call.reason}`);
    evidence.why.push(call.reason);
    await more.run([o.champion, call.child], call.repeats);
    ({ candidates, repeats, identical } = await compareChildren(db, o));
    verdict = ruleSays(candidates, call.round, call.child);
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
  return { candidates, verdict, evidence, repeats, ladder };
}

export async function decideGeneration(
  db: Db,
  o: DecideGenerationOptions,
): Promise<{
  rows: ChildRow[];
  promoted: string | null;
  reason: string;
  evidence: EvidenceRecord;
  heldout: HeldoutRecord | null;
}> {
  const { candidates, verdict, evidence, repeats, ladder } = await decideWithEvidence(db, o);
  const gen = o.generation !== undefined ? { generation: o.generation } : {};
  const rows: ChildRow[] = [];
  for (const { id, vs } of candidates) {
    const e = await getExperiment(db, id);
    const { verdict: said, learned } = verdictOf(vs);
    await updateExperiment(db, id, { verdict: said, learned });
    rows.push({
      id,
      change: e.change_summary,
      score: e.score,
      lo: e.score_lo,
      hi: e.score_hi,
      delta: vs.n ? vs.diff : null,
      costUsd: e.cost_usd,
      decision: said === 'refuted' ? 'retire' : 'not promoted',
    });
  }
  let promoted: string | null = null;
  const after =
    evidence.rounds > 0
      ? ` (after ${evidence.rounds} extra evidence round${evidence.rounds === 1 ? '' : 's'}: ${evidence.child} and the champion at ${evidence.repeats} repeats per task)`
      : '';
  let reason = `${verdict.reason}${after}${evidence.unfinishedRound !== null ? `; ${evidence.stopped}` : ''}`;
  let heldout: HeldoutRecord | null = null;
  if (verdict.winner && o.confirmOnHeldout && o.split === 'train') {
    const heldBase = o.heldoutRepeats ?? 1;
    // Pooled: held-out has looks too; each doubles the winner's held-out repeats, and matches at least the train
    // repeats it passed at. Each is tested at the whole held-out level: the held-out runs are independent of the train
    // runs, so a promotion at any look needs the train test to pass at that look (at most its share of the
    // generation's level over all looks together) and then a held-out test that, whatever the train runs were, passes
    // a no-better child with probability at most heldoutAlpha; the generation's no-better promotions stay under
    // ALPHA x heldoutAlpha however often a child is confirmed (bench/search's null setting measures it).
    const before = o.pool ? minRepeats(await experimentTaskScores(db, verdict.winner, 'heldout')) : 0;
    const heldRepeats =
      o.pool && !o.deterministic
        ? Math.max(heldBase, repeats.get(verdict.winner) ?? 0, before > 0 ? 2 * before : 0)
        : heldBase;
    const heldAlpha = o.heldoutAlpha ?? HELDOUT_ALPHA;
    o.log(`confirming ${verdict.winner} on the held-out split (${heldRepeats} repeat${heldRepeats === 1 ? '' : 's'})`);
    await o.confirmOnHeldout([o.champion, verdict.winner], heldRepeats);
    const held = pairedComparison(
      await experimentTaskScores(db, o.champion, 'heldout'),
      await experimentTaskScores(db, verdict.winner, 'heldout'),
      { seed: 1 },
    );
    heldout = heldoutVerdict(held, heldRepeats, heldAlpha);
    o.log(describeHeldout(heldout));
    reason = `${reason}; ${describeHeldout(heldout)}`;
    if (heldout.verdict === 'failed') {
      await recordDecision(db, {
        experimentId: verdict.winner,
        action: 'confirm_failed',
        rule: o.rule,
        actor: 'rule',
        reason: describeHeldout(heldout),
        details: { ...held, heldout },
        ...gen,
      });
    } else promoted = verdict.winner;
  } else promoted = verdict.winner;

  const ordinals = o.exploreEvery > 0 ? await childOrdinals(db) : new Map<string, number>();
  const discarded = new Map(verdict.discarded.map((d) => [d.id, d.reason]));
  // The champion's A/A spread on the compared tasks, beside each child's difference (shown, not decided on).
  const noise = await noiseMargin(db, o.champion, [...new Set(candidates.flatMap((c) => c.vs.tasks))]);
  const best = candidates.find((c) => c.id === (verdict.winner ?? verdict.best));
  if (best) reason = `${reason}; ${describeNoiseMargin(noise, best.vs.n ? best.vs.diff : null)}`;
  for (const row of rows) {
    const details = candidates.find((c) => c.id === row.id)!;
    const aa = describeNoiseMargin(noise, details.vs.n ? details.vs.diff : null);
    const numbers = {
      noise: { ...noise, said: aa },
      ...details.vs,
      costPerTask: details.costPerTask ?? null,
      tokensPerTask: details.tokensPerTask ?? null,
      champion: details.champion,
      ...(verdict.tests.find((t) => t.id === row.id)
        ? { decisionTest: verdict.tests.find((t) => t.id === row.id) }
        : {}),
      ...(row.id === verdict.best && o.moreEvidence ? { evidence } : {}),
      // Pooled evidence reads these back (lineage/pooled-evidence.ts): repeats per task reached, its family.
      repeats: repeats.get(row.id) ?? null,
      // ...and the looks in its ladder (0: one look at its whole level, never re-offered).
      ...(o.pool ? { family: o.pool.family.get(row.id) ?? o.children.length, ladder } : {}),
      ...(row.id === verdict.winner && heldout ? { heldout } : {}),
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
        ...gen,
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
        ...gen,
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
        ...gen,
      });
    } else if (ruleSaid === 'retire') {
      await recordDecision(db, {
        experimentId: row.id,
        action: 'retire',
        rule: o.rule,
        actor: 'rule',
        reason: `refuted: worse than the champion on the shared tasks; ${aa}`,
        details: numbers,
        ...gen,
      });
    } else {
      await recordDecision(db, {
        experimentId: row.id,
        action: 'keep',
        rule: o.rule,
        actor: 'rule',
        reason:
          verdict.winner === row.id
            ? reason
            : `not the best child, or not better by the rule (${verdict.reason}); ${aa}`,
        details: numbers,
        ...gen,
      });
    }
  }
  return { rows, promoted, reason, evidence, heldout };
}
