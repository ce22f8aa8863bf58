import { seededRandom, wilson } from '../../evaluator/stats/index.js';
import type { ReplicateReport } from './data.js';

// The numbers under every plot, computed from the replicates (pure): the median and 25th-75th percentiles across
// replicates, the best replicate, means with bootstrap 95% intervals (replicate as the unit), shares with Wilson
// intervals. The plots draw exactly these rows, so a figure can always be quoted from its table.

export type Axis = 'generation' | 'evaluations' | 'dollars';

export interface BandRow {
  condition: string;
  x: number;
  median: number;
  q25: number;
  q75: number;
  mean: number;
  lo: number;
  hi: number;
  n: number;
}

export interface BestCurve {
  condition: string;
  replicate: number;
  points: Array<{ x: number; score: number }>;
  best: { x: number; score: number };
}

export function quantile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = (sorted.length - 1) * p;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (i - lo);
}

/** Mean with a percentile-bootstrap 95% interval over the values (seeded: the same data give the same interval). */
export function meanInterval(xs: number[], seed = 1): { mean: number; lo: number; hi: number } {
  if (xs.length === 0) return { mean: Number.NaN, lo: Number.NaN, hi: Number.NaN };
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const rand = seededRandom(seed);
  const boots: number[] = [];
  for (let i = 0; i < 2000; i++) {
    let s = 0;
    for (let j = 0; j < xs.length; j++) s += xs[Math.floor(rand() * xs.length)]!;
    boots.push(s / xs.length);
  }
  boots.sort((a, b) => a - b);
  return { mean, lo: quantile(boots, 0.025), hi: quantile(boots, 0.975) };
}

function stats(condition: string, x: number, values: number[]): BandRow {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    condition,
    x,
    median: quantile(sorted, 0.5),
    q25: quantile(sorted, 0.25),
    q75: quantile(sorted, 0.75),
    ...meanInterval(values),
    n: values.length,
  };
}

/** A replicate's champion score as a step function of the axis, carried forward after its last point. */
function scoreAt(r: ReplicateReport, axis: Axis, x: number): number | null {
  let s: number | null = null;
  for (const p of r.curve) if (p[axis] <= x && p.score !== null) s = p.score;
  return s;
}

/** The x values the band is drawn at: every generation, or 12 steps up to the furthest replicate. */
function grid(reps: ReplicateReport[], axis: Axis): number[] {
  const max = Math.max(0, ...reps.flatMap((r) => r.curve.map((p) => p[axis])));
  if (axis === 'generation') return Array.from({ length: max + 1 }, (_, g) => g);
  if (max === 0) return [0];
  return Array.from({ length: 13 }, (_, i) => (max * i) / 12);
}

export function scoreBands(reps: ReplicateReport[], conditions: string[], axis: Axis): BandRow[] {
  const rows: BandRow[] = [];
  for (const c of conditions) {
    const mine = reps.filter((r) => r.condition === c);
    for (const x of grid(mine, axis)) {
      const values = mine.map((r) => scoreAt(r, axis, x)).filter((v): v is number => v !== null);
      if (values.length > 0) rows.push(stats(c, x, values));
    }
  }
  return rows;
}

/** Per condition, the replicate with the best final score: its own curve and its best point (first reached). */
export function bestCurves(reps: ReplicateReport[], conditions: string[], axis: Axis): BestCurve[] {
  const out: BestCurve[] = [];
  for (const c of conditions) {
    const best = reps
      .filter((r) => r.condition === c)
      .sort((a, b) => (b.finalScore ?? -1) - (a.finalScore ?? -1) || a.replicate - b.replicate)[0];
    if (!best) continue;
    const points = best.curve.filter((p) => p.score !== null).map((p) => ({ x: p[axis], score: p.score! }));
    if (points.length === 0) continue;
    const top = points.reduce((m, p) => (p.score > m.score ? p : m), points[0]!);
    out.push({ condition: c, replicate: best.replicate, points, best: top });
  }
  return out;
}

export const METRICS = [
  { key: 'accepted', label: 'share of accepted changes', of: (r: ReplicateReport) => share(r.accepted, r.children) },
  {
    key: 'valid',
    label: 'share of valid (non-crashed) experiments',
    of: (r: ReplicateReport) => share(r.valid, r.children),
  },
  { key: 'dollars', label: 'dollars spent', of: (r: ReplicateReport) => r.dollars },
  { key: 'hours', label: 'run hours spent', of: (r: ReplicateReport) => r.runHours },
] as const;

const share = (k: number, n: number) => (n === 0 ? 0 : k / n);

export interface BoxRow extends BandRow {
  metric: string;
  min: number;
  max: number;
}

export function boxes(reps: ReplicateReport[], conditions: string[]): BoxRow[] {
  return METRICS.flatMap((m) =>
    conditions.flatMap((c) => {
      const values = reps.filter((r) => r.condition === c).map(m.of);
      if (values.length === 0) return [];
      return [{ ...stats(c, 0, values), metric: m.label, min: Math.min(...values), max: Math.max(...values) }];
    }),
  );
}

export interface ChangeRow {
  condition: string;
  kind: string;
  /** Replicates that tried a change of this kind, and those in which one improved the champion (was promoted). */
  tried: number;
  improved: number;
  replicates: number;
  share: number;
  lo: number;
  hi: number;
  /** Mean paired improvement of the promoted changes of this kind; null when none was. */
  meanImprovement: number | null;
}

export function changeEffects(reps: ReplicateReport[], conditions: string[]): ChangeRow[] {
  const rows: ChangeRow[] = [];
  for (const c of conditions) {
    const mine = reps.filter((r) => r.condition === c);
    const kinds = [...new Set(mine.flatMap((r) => r.changes.map((x) => x.kind)))].sort();
    for (const kind of kinds) {
      const tried = mine.filter((r) => r.changes.some((x) => x.kind === kind)).length;
      const improved = mine.filter((r) => r.changes.some((x) => x.kind === kind && x.promoted)).length;
      const gains = mine.flatMap((r) =>
        r.changes.filter((x) => x.kind === kind && x.improvement !== null).map((x) => x.improvement!),
      );
      const w = wilson(improved, mine.length);
      rows.push({
        condition: c,
        kind,
        tried,
        improved,
        replicates: mine.length,
        share: improved / mine.length,
        lo: w.lo,
        hi: w.hi,
        meanImprovement: gains.length ? gains.reduce((s, g) => s + g, 0) / gains.length : null,
      });
    }
  }
  return rows;
}

export interface AuthorRow {
  condition: string;
  /** lineage/authorship.ts authorGroup: person, proposer:systematic, proposer:model, champion:code, self-repair, ... */
  author: string;
  /** Children this author wrote across the condition's replicates, and how many of them were promoted. */
  written: number;
  promoted: number;
  /** Mean paired improvement of its promoted children; null when none was. */
  meanImprovement: number | null;
}

/** Improvements split by who wrote them, per condition. */
export function authorEffects(reps: ReplicateReport[], conditions: string[]): AuthorRow[] {
  const rows: AuthorRow[] = [];
  for (const c of conditions) {
    const changes = reps.filter((r) => r.condition === c).flatMap((r) => r.changes);
    for (const author of [...new Set(changes.map((x) => x.author))].sort()) {
      const mine = changes.filter((x) => x.author === author);
      const gains = mine.filter((x) => x.improvement !== null).map((x) => x.improvement!);
      rows.push({
        condition: c,
        author,
        written: mine.length,
        promoted: mine.filter((x) => x.promoted).length,
        meanImprovement: gains.length ? gains.reduce((s, g) => s + g, 0) / gains.length : null,
      });
    }
  }
  return rows;
}

export interface HeldoutRow {
  condition: string;
  replicate: number;
  champion: string;
  root: number;
  score: number;
  diff: number;
  lo: number;
  hi: number;
  tasks: number;
}

export function heldoutRows(reps: ReplicateReport[]): HeldoutRow[] {
  return reps
    .filter((r) => r.heldout !== null)
    .map((r) => ({
      condition: r.condition,
      replicate: r.replicate,
      champion: r.finalChampion,
      root: r.heldout!.root,
      score: r.heldout!.champion,
      diff: r.heldout!.diff,
      lo: r.heldout!.lo,
      hi: r.heldout!.hi,
      tasks: r.heldout!.tasks,
    }));
}
