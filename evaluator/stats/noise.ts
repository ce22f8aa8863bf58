import { Z95 } from './interval.js';
import { type RunOutcome, taskScores } from './summary.js';

// How much does the score move when nothing changed? Re-running the same genome gives the spread a real
// improvement has to exceed before a promotion rule should believe it.

export interface NoiseFloor {
  /** Resolve rate of each repeat taken as its own single-repeat evaluation. */
  repeatScores: number[];
  /** Sample standard deviation of repeatScores (empirical; needs >= 2 repeats). */
  sd: number;
  /** Analytic sd of a single-repeat score from per-task flip rates: sqrt(sum p(1-p) * n/(n-1)) / T. */
  analyticSd: number;
  /** Smallest difference between two single-repeat evaluations that exceeds the noise at 95%: z * sqrt(2) * sd. */
  minDetectableDiff: number;
  /** Tasks whose outcome changed between repeats of the same genome. */
  flakyTasks: string[];
}

export function noiseFloor(runs: RunOutcome[]): NoiseFloor {
  const scores = taskScores(runs);
  const repeats = [...new Set(runs.map((r) => r.repeat))].sort((a, b) => a - b);
  const repeatScores = repeats.map((rep) => {
    const rs = runs.filter((r) => r.repeat === rep);
    return rs.length ? rs.filter((r) => r.resolved).length / rs.length : Number.NaN;
  });
  const m = repeatScores.reduce((s, x) => s + x, 0) / repeatScores.length;
  const sd =
    repeatScores.length < 2
      ? Number.NaN
      : Math.sqrt(repeatScores.reduce((s, x) => s + (x - m) ** 2, 0) / (repeatScores.length - 1));
  let v = 0;
  for (const t of scores.values()) if (t.n > 1) v += t.mean * (1 - t.mean) * (t.n / (t.n - 1));
  const analyticSd = scores.size ? Math.sqrt(v) / scores.size : Number.NaN;
  const spread = Number.isNaN(sd) ? analyticSd : Math.max(sd, analyticSd);
  return {
    repeatScores,
    sd,
    analyticSd,
    minDetectableDiff: Z95 * Math.SQRT2 * spread,
    flakyTasks: [...scores.values()]
      .filter((t) => t.resolved > 0 && t.resolved < t.n)
      .map((t) => t.taskId)
      .sort(),
  };
}
