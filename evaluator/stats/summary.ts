import { type Interval, passAtK, wilsonRate } from './interval.js';

// Per-experiment scores from run outcomes: mean over repeats per task, then the resolve rate over tasks.

export interface RunOutcome {
  taskId: string;
  repeat: number;
  resolved: boolean;
  tokens?: number;
  costUsd?: number;
  durationMs?: number;
}

export interface TaskScore {
  taskId: string;
  n: number;
  resolved: number;
  /** Mean over repeats. */
  mean: number;
}

export function taskScores(runs: RunOutcome[]): Map<string, TaskScore> {
  const out = new Map<string, TaskScore>();
  for (const r of runs) {
    const s = out.get(r.taskId) ?? { taskId: r.taskId, n: 0, resolved: 0, mean: 0 };
    s.n++;
    if (r.resolved) s.resolved++;
    s.mean = s.resolved / s.n;
    out.set(r.taskId, s);
  }
  return out;
}

export interface Summary {
  tasks: number;
  runs: number;
  /** Mean over tasks of the per-task mean over repeats. */
  resolveRate: number;
  /** Wilson 95% interval on the resolve rate with the task as the unit (repeats do not narrow it). */
  interval: Interval;
  /** pass@k averaged over tasks, for k = 1 .. the smallest repeat count. */
  passAtK: Record<number, number>;
  meanTokensPerTask?: number;
  meanCostPerTask?: number;
  meanSecondsPerTask?: number;
}

export function summarize(runs: RunOutcome[]): Summary {
  const scores = [...taskScores(runs).values()];
  const kMax = scores.length ? Math.min(...scores.map((s) => s.n)) : 0;
  const pass: Record<number, number> = {};
  for (let k = 1; k <= kMax; k++) pass[k] = scores.reduce((s, t) => s + passAtK(t.n, t.resolved, k), 0) / scores.length;
  const perTask = (pick: (r: RunOutcome) => number | undefined) => {
    const known = runs.map(pick).filter((v): v is number => v !== undefined);
    // Unknown (e.g. no price for the model) stays unknown rather than counting as zero.
    if (known.length === 0 || scores.length === 0) return undefined;
    return known.reduce((s, v) => s + v, 0) / known.length;
  };
  const seconds = perTask((r) => r.durationMs);
  const rate = scores.length ? scores.reduce((s, t) => s + t.mean, 0) / scores.length : Number.NaN;
  return {
    tasks: scores.length,
    runs: runs.length,
    resolveRate: rate,
    interval: wilsonRate(rate, scores.length),
    passAtK: pass,
    meanTokensPerTask: perTask((r) => r.tokens),
    meanCostPerTask: perTask((r) => r.costUsd),
    meanSecondsPerTask: seconds === undefined ? undefined : seconds / 1000,
  };
}
