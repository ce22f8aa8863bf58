import { logChoose } from './interval.js';
import { seededRandom } from './seeded.js';
import { type TaskScore } from './summary.js';
import { type PairedTest, pairedTest } from './tests.js';

export { seededRandom };

// Comparing two experiments: only on the tasks both ran, paired by task, so task difficulty cancels out.

export interface PairedComparison {
  /** Tasks both experiments ran, sorted. */
  tasks: string[];
  n: number;
  meanA: number;
  meanB: number;
  /** meanB - meanA: positive when B (the candidate) is better. */
  diff: number;
  lo: number;
  hi: number;
  confidence: number;
  iterations: number;
  seed: number;
  /** Exact McNemar on single-repeat outcomes (present only when every common task has one run on each side). */
  mcnemar?: McNemar;
  /** The one-sided test of "B better than A by more than the margin" that matches the data (stats/tests.ts). */
  test: PairedTest;
}

export interface PairedOptions {
  seed?: number;
  iterations?: number;
  confidence?: number;
  /** The margin the test's null hypothesis sits at (B - A <= margin). Default 0. */
  margin?: number;
}

/**
 * Difference of per-task mean resolve rates (B - A) with a percentile bootstrap interval, resampling tasks.
 * Tasks that only one side ran are left out: comparing on different task sets would measure the tasks, not the agents.
 */
export function pairedComparison(
  a: Map<string, TaskScore>,
  b: Map<string, TaskScore>,
  options: PairedOptions = {},
): PairedComparison {
  const seed = options.seed ?? 1;
  const iterations = options.iterations ?? 2000;
  const confidence = options.confidence ?? 0.95;
  const tasks = [...a.keys()].filter((t) => b.has(t)).sort();
  const da = tasks.map((t) => a.get(t)!.mean);
  const db = tasks.map((t) => b.get(t)!.mean);
  const n = tasks.length;
  if (n === 0) {
    return {
      tasks,
      n,
      meanA: Number.NaN,
      meanB: Number.NaN,
      diff: Number.NaN,
      lo: Number.NaN,
      hi: Number.NaN,
      confidence,
      iterations,
      seed,
      test: pairedTest(a, b, options.margin ?? 0),
    };
  }
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const deltas = tasks.map((_, i) => db[i]! - da[i]!);
  const rand = seededRandom(seed);
  const boots = new Float64Array(iterations);
  for (let it = 0; it < iterations; it++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += deltas[Math.floor(rand() * n)]!;
    boots[it] = s / n;
  }
  boots.sort();
  const tail = (1 - confidence) / 2;
  const q = (p: number) => boots[Math.min(iterations - 1, Math.max(0, Math.floor(p * iterations)))]!;
  const result: PairedComparison = {
    tasks,
    n,
    meanA: mean(da),
    meanB: mean(db),
    diff: mean(deltas),
    lo: q(tail),
    hi: q(1 - tail),
    confidence,
    iterations,
    seed,
    test: pairedTest(a, b, options.margin ?? 0),
  };
  if (tasks.every((t) => a.get(t)!.n === 1 && b.get(t)!.n === 1)) {
    let onlyA = 0;
    let onlyB = 0;
    for (let i = 0; i < n; i++) {
      if (da[i] === 1 && db[i] === 0) onlyA++;
      if (da[i] === 0 && db[i] === 1) onlyB++;
    }
    result.mcnemar = mcnemarExact(onlyA, onlyB);
  }
  return result;
}

export interface McNemar {
  /** Tasks only A resolved. */
  b: number;
  /** Tasks only B resolved. */
  c: number;
  p: number;
}

/** Exact McNemar: a two-sided binomial test (p = 1/2) on the discordant pairs. */
export function mcnemarExact(b: number, c: number): McNemar {
  const n = b + c;
  if (n === 0) return { b, c, p: 1 };
  const k = Math.min(b, c);
  let tail = 0;
  for (let i = 0; i <= k; i++) tail += Math.exp(logChoose(n, i) - n * Math.LN2);
  return { b, c, p: Math.min(1, 2 * tail) };
}
