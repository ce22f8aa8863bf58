import { logChoose } from './interval.js';
import { seededRandom } from './seeded.js';
import type { TaskScore } from './summary.js';

// Hypothesis tests for "is the candidate (B) better than the baseline (A) by more than a margin", with the task as the
// unit: tasks are what varies in difficulty, so two repeats of one task are not two independent observations.
//   - one binary outcome per task on both sides (one repeat, or a deterministic model) and margin 0: the exact sign
//     test on the discordant tasks (one-sided exact McNemar); tasks both solve or both miss say nothing.
//   - anything else (per-task means over repeats, or a margin): the paired sign-flip permutation test on the per-task
//     differences minus the margin; under H0 each task's difference is as likely positive as negative. Computed exactly
//     (the differences of means over repeats lie on a lattice), by seeded Monte Carlo only when they do not.
// On binary differences with margin 0 the two are the same test, so the choice never changes a verdict by itself.
// p-values are one-sided (H1: B better); `pWorse` is the mirror (H1: B worse), used for "refuted".

export type TestName = 'sign' | 'permutation';

export interface PairedTest {
  test: TestName;
  /** What was tested, in words, for decision rows and summaries. */
  description: string;
  /** sign: tasks only B resolved (wins); permutation: sum over tasks of (B - A - margin). */
  statistic: number;
  /** Tasks B did better on, worse on, and the same (before the margin). */
  wins: number;
  losses: number;
  ties: number;
  n: number;
  margin: number;
  /** One-sided p-value for "B is better than A by more than the margin". */
  p: number;
  /** One-sided p-value for "B is worse than A" (margin 0). */
  pWorse: number;
  /** exact, or Monte Carlo with this many sign flips. */
  exact: boolean;
}

/** P(X >= k) for X ~ Binomial(n, 1/2). */
export function binomialUpperTail(k: number, n: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  let s = 0;
  for (let i = k; i <= n; i++) s += Math.exp(logChoose(n, i) - n * Math.LN2);
  return Math.min(1, s);
}

/** Exact one-sided sign test: `wins` tasks only B solved, `losses` only A solved. */
export function signTest(wins: number, losses: number): { p: number; pWorse: number } {
  const n = wins + losses;
  return { p: binomialUpperTail(wins, n), pWorse: binomialUpperTail(losses, n) };
}

/** Integer scale putting every value on a lattice (values * scale within 1e-9 of an integer), or null. */
function latticeScale(values: number[]): number | null {
  // Powers of two up to 4096 cover means over repeats that double each look (lineage.maxLooks), which would otherwise
  // fall back to Monte Carlo: slower, and p off by its sampling error.
  for (const scale of [
    1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 24, 30, 32, 40, 48, 60, 64, 100, 120, 128, 256, 512, 1000, 1024, 2048, 4096,
    10000,
  ]) {
    if (values.every((v) => Math.abs(v * scale - Math.round(v * scale)) < 1e-9)) return scale;
  }
  return null;
}

/** P(sum of randomly signed |values| >= observed) by exact subset-sum counting on integer values. */
function exactSignFlip(ints: number[], observed: number): number {
  const total = ints.reduce((s, x) => s + x, 0);
  let dist = new Float64Array(total + 1);
  dist[0] = 1;
  let reach = 0;
  for (const s of ints) {
    const next = new Float64Array(total + 1);
    for (let k = 0; k <= reach; k++) {
      const q = dist[k]! / 2;
      if (q === 0) continue;
      next[k] = next[k]! + q;
      next[k + s] = next[k + s]! + q;
    }
    reach += s;
    dist = next;
  }
  // Signed sum = 2 * (sum of the positive ones) - total >= observed  <=>  positive part >= (observed + total) / 2.
  const from = Math.ceil((observed + total) / 2 - 1e-9);
  let p = 0;
  for (let k = Math.max(0, from); k <= total; k++) p += dist[k]!;
  return Math.min(1, p);
}

/**
 * One-sided sign-flip permutation test of mean(deltas) > margin: exact when the shifted differences lie on a lattice
 * of at most 2e6 points, else Monte Carlo with `iterations` flips (p = (1 + hits) / (1 + iterations), never 0).
 */
export function signFlipTest(
  deltas: number[],
  margin = 0,
  options: { seed?: number; iterations?: number } = {},
): { p: number; exact: boolean } {
  const shifted = deltas.map((d) => d - margin).filter((d) => Math.abs(d) > 1e-12);
  if (shifted.length === 0) return { p: 1, exact: true };
  const scale = latticeScale(shifted);
  if (scale !== null) {
    const ints = shifted.map((d) => Math.round(Math.abs(d) * scale));
    if (ints.reduce((s, x) => s + x, 0) <= 2e6) {
      const observed = shifted.reduce((s, d) => s + Math.round(d * scale), 0);
      return { p: exactSignFlip(ints, observed), exact: true };
    }
  }
  const iterations = options.iterations ?? 20000;
  const rand = seededRandom(options.seed ?? 1);
  const observed = shifted.reduce((s, d) => s + d, 0);
  let hits = 0;
  for (let it = 0; it < iterations; it++) {
    let s = 0;
    for (const d of shifted) s += rand() < 0.5 ? d : -d;
    if (s >= observed - 1e-12) hits++;
  }
  return { p: (1 + hits) / (1 + iterations), exact: false };
}

/** The test that matches the data (see the file's header): B (candidate) against A (baseline) on the tasks both ran. */
export function pairedTest(a: Map<string, TaskScore>, b: Map<string, TaskScore>, margin = 0): PairedTest {
  const tasks = [...a.keys()].filter((t) => b.has(t)).sort();
  const deltas = tasks.map((t) => b.get(t)!.mean - a.get(t)!.mean);
  const wins = deltas.filter((d) => d > 1e-12).length;
  const losses = deltas.filter((d) => d < -1e-12).length;
  const base = { wins, losses, ties: tasks.length - wins - losses, n: tasks.length, margin };
  const binary = tasks.every((t) => a.get(t)!.n === 1 && b.get(t)!.n === 1);
  if (binary && margin === 0) {
    const s = signTest(wins, losses);
    return {
      test: 'sign',
      description: `exact sign test (one-sided McNemar) on ${wins + losses} discordant of ${tasks.length} tasks: ${wins} won, ${losses} lost`,
      statistic: wins,
      ...base,
      ...s,
      exact: true,
    };
  }
  const up = signFlipTest(deltas, margin);
  const down = signFlipTest(
    deltas.map((d) => -d),
    0,
  );
  return {
    test: 'permutation',
    description: `paired sign-flip permutation test on per-task means over repeats, task as the unit (${tasks.length} tasks: ${wins} better, ${losses} worse${margin ? `, margin ${(100 * margin).toFixed(1)} points` : ''})`,
    statistic: deltas.reduce((s, d) => s + d - margin, 0),
    ...base,
    p: up.p,
    pWorse: down.p,
    exact: up.exact && down.exact,
  };
}

/** Holm's step-down adjusted p-values (family-wise error control for any dependence between the tests). */
export function holmAdjust(ps: number[]): number[] {
  const order = ps.map((p, i) => [p, i] as const).sort((x, y) => x[0] - y[0]);
  const out = new Array<number>(ps.length);
  let running = 0;
  order.forEach(([p, i], rank) => {
    running = Math.max(running, Math.min(1, (ps.length - rank) * p));
    out[i] = running;
  });
  return out;
}

/**
 * Alpha-spending over a generation's looks (the first decision, then each extra evidence round): look k of `rounds`
 * extra rounds is at information fraction t = 2^k / 2^rounds (repeats double each round), and spends
 * alpha(t_k) - alpha(t_{k-1}) of the Lan-DeMets Pocock-type function alpha(t) = alpha * ln(1 + (e - 1) t). Each look is
 * tested at its own spend, so by the union bound the looks together keep the stated level whatever their correlation.
 */
export function spendAtLook(alpha: number, look: number, rounds: number): number {
  if (rounds <= 0) return alpha;
  if (look < 0 || look > rounds) throw new RangeError(`spendAtLook: look ${look} is outside 0..${rounds}`);
  const cumulative = (k: number) => (k < 0 ? 0 : alpha * Math.log(1 + (Math.E - 1) * 2 ** (k - rounds)));
  return cumulative(look) - cumulative(look - 1);
}

/** The fewest tasks a candidate must gain, with none lost, before the exact one-sided paired test can reach `alpha`
 * (its smallest p on k differing tasks is 2^-k): the smallest effect a decision at that level can ever detect. */
export function minTasksToDetect(alpha: number): number {
  return Math.max(1, Math.ceil(Math.log2(1 / alpha) - 1e-12));
}
