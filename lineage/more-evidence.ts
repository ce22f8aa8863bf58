import { spendAtLook } from '../evaluator/stats/index.js';
import { ALPHA, type Candidate, type Verdict } from './promote.js';

// Adaptive evidence: when the rule's best child looks better than the champion but the paired interval still
// includes the margin, one generation's repeats cannot tell them apart, and deciding now either throws away a real
// improvement or (under a laxer rule) promotes noise. So the champion and that one child, and only they, run more
// repeats on the same tasks, and the rule decides again on the pooled runs. Round k brings both to
// baseRepeats x 2^k repeats per task (the interval narrows by about 1/sqrt(2) a round); after lineage.evidenceRounds
// rounds the rule's answer stands. Looking again at growing data is sequential testing, so the default rule's level is
// spent over the looks (lookAlpha: Lan-DeMets Pocock-type spending, each look tested at its own share), and the
// generation as a whole keeps it. Rounds are not spent where they cannot change the answer: a deterministic model (its
// repeats identical), or too few tasks for the test to ever reach the last look's level. Pure, so decideGeneration and
// bench/search ask the same question.

/** The level the default rule tests at on look `look` (0 = the generation's first decision) of `maxRounds` rounds. */
export function lookAlpha(look: number, maxRounds: number, alpha = ALPHA): number {
  return spendAtLook(alpha, look, Math.max(0, maxRounds));
}

/** A child's level at look `look` of its ladder (looks 0..maxLooks, repeats doubling each look, within a generation or
 * across generations): its 1/familySize share of the level of the generation that proposed it, spent over its looks.
 * Each (child, look) pair has a level fixed before any run, and the shares of one generation's children over all their
 * looks sum to `alpha`, so by the union bound that generation's children together promote a no-better child with
 * probability at most `alpha`, however their evidence was pooled, re-offered or selected. */
export function childLevel(look: number, maxLooks: number, familySize: number, alpha = ALPHA): number {
  return lookAlpha(Math.min(look, maxLooks), maxLooks, alpha) / Math.max(1, familySize);
}

/** When a child that was not promoted stays open against its champion (lineage.keepOpen): while it looked better
 * (its paired difference above the margin), or while it is not refuted (not significantly worse), whatever its
 * difference. A real gain of a few points reads 0 or below at one repeat often, and a child closed then is never
 * offered again from that champion; kept open it comes back one look higher, and its level does not change (each look's
 * level is fixed in advance, childLevel), so the bound holds either way. */
export const KEEP_OPEN = ['looked-better', 'not-refuted'] as const;
export type KeepOpen = (typeof KEEP_OPEN)[number];

/** Whether a child, decided at a look and neither promoted nor refuted, stays open for a later look: the one rule
 * lineage/pooled-evidence.ts and bench/search apply. `n`: tasks it shares with the champion; `family`: its generation's
 * new children; `maxLooks`: its ladder. */
export function staysOpen(
  c: { diff: number; n: number; repeats: number; family: number },
  o: { keepOpen: KeepOpen; margin: number; maxLooks: number; baseRepeats: number },
): boolean {
  if (o.keepOpen === 'looked-better' && !(c.diff > o.margin)) return false;
  if (roundsRun(c.repeats, o.baseRepeats) >= o.maxLooks) return false;
  // The exact test's smallest p on n differing tasks is 2^-n: past the last look's level, no look can decide it.
  return 2 ** -c.n <= childLevel(o.maxLooks, o.maxLooks, c.family);
}

export interface EvidenceInput {
  /** The rule's verdict on the evidence so far. */
  verdict: Verdict;
  candidates: Candidate[];
  /** Finished repeats of each candidate on the shared task it ran least (by id). */
  repeats: ReadonlyMap<string, number>;
  margin: number;
  /** Repeats per task a generation runs (defaults.repeats or --repeats): the evidence before any extra round. */
  baseRepeats: number;
  /** lineage.evidenceRounds: how many extra rounds a generation may run (0 = never). */
  maxRounds: number;
  /** The child's and the champion's repeats were identical on every task (or the model says it is deterministic):
   * more repeats would reproduce the same outcomes. */
  deterministic?: boolean;
  /** The generation's level (default ALPHA), spent over the looks. */
  alpha?: number;
  /** Evidence pooled across generations: a child's ladder has looks 0..maxLooks (default maxRounds), of which one
   * generation runs at most maxRounds; `startRepeats` are the repeats each child had when this generation began (a
   * re-offered child starts higher), and `levelAt` its level at a look (childLevel). */
  maxLooks?: number;
  startRepeats?: ReadonlyMap<string, number>;
  levelAt?: (id: string, look: number) => number;
}

export type EvidenceCall =
  | { more: true; child: string; round: number; repeats: number; reason: string }
  /** child: the one child that had extra rounds, if any did. */
  | { more: false; roundsRun: number; child: string | null; reason: string };

const pts = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}`;

/** Extra rounds already run for a child with `repeats` finished repeats per task, counted from the repeats alone so a
 * resumed generation continues where it stopped. */
export function roundsRun(repeats: number, baseRepeats: number): number {
  return repeats >= 2 * baseRepeats ? Math.floor(Math.log2(repeats / baseRepeats) + 1e-9) : 0;
}

/** Extra rounds a child has had in this generation (from its repeats now and when the generation began). */
function roundsThisGeneration(i: EvidenceInput, id: string): number {
  const start = i.startRepeats?.get(id) ?? i.baseRepeats;
  return roundsRun(i.repeats.get(id) ?? 0, i.baseRepeats) - roundsRun(start, i.baseRepeats);
}

/** The child that already had extra rounds in this generation (only one ever does), if any. */
function focusOf(i: EvidenceInput): string | undefined {
  return i.candidates.find((c) => roundsThisGeneration(i, c.id) > 0)?.id;
}

/** Does this generation need more evidence before the rule's answer stands, and for which child? */
export function needsMoreEvidence(i: EvidenceInput): EvidenceCall {
  const best = i.candidates.find((c) => c.id === i.verdict.best);
  const focus = focusOf(i);
  const done = roundsThisGeneration(i, focus ?? best?.id ?? '');
  const maxLooks = i.maxLooks ?? i.maxRounds;
  const look = roundsRun(i.repeats.get(best?.id ?? '') ?? 0, i.baseRepeats);
  const stop = (reason: string): EvidenceCall => ({
    more: false,
    roundsRun: done,
    child: done > 0 ? (focus ?? best?.id ?? null) : null,
    reason,
  });
  if (i.verdict.winner) return stop(`the rule decided: ${i.verdict.winner} passes`);
  if (!best || best.vs.n === 0) return stop('no child is comparable with the champion');
  const { diff, lo, hi } = best.vs;
  const interval = `${pts(diff)} points [${pts(lo)}, ${pts(hi)}]`;
  if (!(diff > i.margin)) return stop(`the best child ${best.id} does not look better (${interval})`);
  // A child already clear of the margin that still failed the rule failed on something else (cost): repeats will not help.
  // (The default rule is its test: a bootstrap interval clear of the margin says nothing there.)
  if (lo > i.margin && i.verdict.tests.length === 0)
    return stop(`${best.id} is clear of the margin but failed the rule on something other than noise`);
  // Extra rounds go to one child a generation: if they moved the lead elsewhere, the rule's answer stands.
  if (focus && focus !== best.id)
    return stop(`extra evidence on ${focus} moved the lead to ${best.id}; extra rounds go to one child a generation`);
  if (i.maxRounds <= 0)
    return stop(`${best.id} looks better (${interval}) but is inconclusive; lineage.evidenceRounds is 0`);
  if (i.deterministic)
    return stop(
      `${best.id} looks better (${interval}) but is inconclusive, and its and the champion's repeats are identical (deterministic): more repeats would change nothing`,
    );
  // The paired test's smallest possible p-value is 2^-(tasks that differ); with the tasks both ran it cannot get
  // below that, however many repeats.
  const lastLevel = i.levelAt?.(best.id, maxLooks) ?? lookAlpha(maxLooks, maxLooks, i.alpha);
  if (best.vs.test && 2 ** -best.vs.n > lastLevel)
    return stop(
      `${best.id} looks better (${interval}) but with ${best.vs.n} shared tasks the paired test can never reach the last round's level ${lastLevel.toPrecision(2)}: more repeats would not decide it`,
    );
  if (done >= i.maxRounds)
    return stop(
      `${best.id} is still inconclusive (${interval}) after ${done} extra round${done === 1 ? '' : 's'} (lineage.evidenceRounds ${i.maxRounds})`,
    );
  if (look >= maxLooks)
    return stop(`${best.id} is still inconclusive (${interval}) at the last look of its ladder (${maxLooks} extra)`);
  // Futility: the interval narrows about as 1/sqrt(repeats); if it could not clear the margin by the last round even
  // were the observed difference to hold, the rounds would be spent for nothing.
  const now = Math.max(1, i.repeats.get(best.id) ?? i.baseRepeats);
  const last = i.baseRepeats * 2 ** maxLooks;
  if (diff - (diff - lo) * Math.sqrt(now / last) <= i.margin)
    return stop(
      `${best.id} looks better (${interval}) but even ${last} repeats would not clear the margin at this difference`,
    );
  const round = done + 1;
  const repeats = i.baseRepeats * 2 ** (look + 1);
  return {
    more: true,
    child: best.id,
    round,
    repeats,
    reason: `${best.id} looks better (${interval}) but the interval includes the margin (${pts(i.margin)} points): round ${round} of ${i.maxRounds} runs it and the champion to ${repeats} repeats per task`,
  };
}
