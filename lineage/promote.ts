import type { PairedComparison } from '../evaluator/stats/index.js';

// Promotion rules: which child, if any, replaces the champion. A promotion is a statistical claim, so the default
// asks for the paired interval (child minus champion, same tasks) to clear zero, or a stated margin.

export interface Candidate {
  id: string;
  /** Paired comparison against the champion on the tasks both ran. */
  vs: PairedComparison;
  costPerTask: number;
}

export type RuleName = 'paired-significant' | 'mean';

export interface Verdict {
  winner: string | null;
  reason: string;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

export function decide(rule: RuleName, candidates: Candidate[], margin = 0, maxCostPerTask?: number): Verdict {
  const allowed = candidates.filter((c) => c.vs.n > 0 && (maxCostPerTask === undefined || c.costPerTask <= maxCostPerTask));
  if (allowed.length === 0) return { winner: null, reason: 'no child was comparable with the champion (no shared tasks, or over the cost bound)' };
  // Best first; ties go to the cheaper child.
  const key = (c: Candidate) => (rule === 'mean' ? c.vs.diff : c.vs.lo);
  const ranked = [...allowed].sort((a, b) => key(b) - key(a) || a.costPerTask - b.costPerTask);
  const best = ranked[0]!;
  const text = `${best.id}: ${pct(best.vs.meanB)} vs ${pct(best.vs.meanA)} on ${best.vs.n} shared tasks, difference ${pct(best.vs.diff)} [${pct(best.vs.lo)}, ${pct(best.vs.hi)}]`;
  const pass = rule === 'mean' ? best.vs.diff > margin : best.vs.lo > margin;
  const test = rule === 'mean' ? `mean difference > ${pct(margin)}` : `paired ${Math.round(100 * best.vs.confidence)}% interval above ${pct(margin)}`;
  return pass ? { winner: best.id, reason: `${text}: ${test}` } : { winner: null, reason: `best was ${text}; not promoted (${test} required)` };
}
