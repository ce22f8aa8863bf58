import { holmAdjust, type PairedComparison, Z95 } from '../evaluator/stats/index.js';

// Promotion rules: which child, if any, replaces the champion. A promotion is a statistical claim, so the default
// is a one-sided test of "child better than champion by more than the margin" (the exact sign test on one binary
// outcome per task, else a paired permutation test with the task as the unit: evaluator/stats/tests.ts), with Holm's
// correction across the generation's children so that the generation as a whole keeps the level. Every rule
// compares on the tasks child and champion both ran; constraints discard a child before any rule sees it; ties on a
// rule's key go to the larger mean paired difference (the child that looked best), then to the cheaper one. The
// formulas (p = resolve rate on the n shared tasks, cost and tokens per run on those tasks):
//   paired-significant  promote the child with the smallest Holm-adjusted p if it is <= alpha (default one-sided
//                       0.025, the level of a two-sided 95% interval; lower on an extra evidence round, see
//                       lineage/more-evidence.ts); the family is every comparable child of the generation
//   mean                promote the child with the highest diff = p_child - p_champion if diff > margin
//   lower-bound         rank by L(p_child, n), the child's Wilson 95% lower bound with the task as the unit;
//                       promote if L(p_child, n) > L(p_champion, n) + margin (on equal n and margin 0 this is
//                       p_child > p_champion; it ranks children evaluated on fewer tasks lower)
//   pareto              promote if (diff > margin and cost_child <= cost_champion + tol.cost) or
//                       (cost_child < cost_champion - tol.cost and diff >= 0); best diff first
//   lexicographic       compare score (diff beyond +-margin), then cost (beyond +-tol.cost), then tokens
//                       (beyond +-tol.tokens); promote if the first criterion that differs favours the child;
//                       among children that pass, the best diff, then the cheaper, then the fewer tokens

/** A rule's name: a key of SPECS below (adding a rule is one entry there). */
export type RuleName = keyof typeof SPECS;

export interface Candidate {
  id: string;
  /** Paired comparison against the champion on the tasks both ran. */
  vs: PairedComparison;
  /** The child's dollars per run; undefined when unknown (a model with no price): never taken as cheaper. */
  costPerTask?: number;
  /** The child's tokens per run; undefined when unknown (lexicographic treats unknown as equal). */
  tokensPerTask?: number;
  /** The champion's dollars and tokens per run on the same shared tasks (pareto, lexicographic). */
  champion?: { costPerTask?: number; tokensPerTask?: number };
}

/** One-sided level of the default rule's test for a whole generation (Holm across its children, spent over its looks). */
export const ALPHA = 0.025;

export interface DecideOptions {
  /** Differences in cost (dollars per run) and tokens (per run) up to these count as equal. Default 0. */
  tolerance?: { cost?: number; tokens?: number };
  /** paired-significant: the level this look tests at (default ALPHA; an evidence round passes its spend). */
  alpha?: number;
  /** paired-significant on an extra evidence round: only this child is tested (a family of one at that look's spend). */
  only?: string;
  /** paired-significant with evidence pooled across generations: each child's own level at its look (its share of its
   * generation's level, spent over its looks: lineage/more-evidence.ts childLevel). A child passes when p <= its level;
   * the family is weighted Bonferroni (pAdjusted = p x alpha / level), which for equal shares is Holm's first step. */
  levels?: ReadonlyMap<string, number>;
}

/** The test behind a child's verdict, as decision rows and summaries show it. */
export interface ChildTest {
  id: string;
  test: string;
  description: string;
  statistic: number;
  p: number;
  /** Holm-adjusted over the family tested at this look (equals p for a family of one). */
  pAdjusted: number;
  family: number;
  alpha: number;
}

export interface Verdict {
  winner: string | null;
  /** The child the rule ranked first among the comparable ones (the winner when there is one); null when none was comparable. */
  best: string | null;
  reason: string;
  /** Children a constraint removed before the rule looked at them, with the reason. */
  discarded: Array<{ id: string; reason: string }>;
  /** paired-significant: each tested child's test, p and Holm-adjusted p at this look. */
  tests: ChildTest[];
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const usd = (x: number | undefined) => (x === undefined ? 'unknown cost' : `$${x.toFixed(4)}`);
/** Cheaper first; an unknown cost sorts after every known one. */
const byCost = (a: Candidate, b: Candidate) => (a.costPerTask ?? Infinity) - (b.costPerTask ?? Infinity) || 0;

/** Wilson lower bound for a rate p over n units; the closed form of evaluator/stats wilson(), for fractional p*n. */
export function wilsonLowerBound(p: number, n: number, z = Z95): number {
  if (n <= 0 || Number.isNaN(p)) return 0;
  const z2 = z * z;
  const center = p + z2 / (2 * n);
  const half = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return Math.max(0, (center - half) / (1 + z2 / n));
}

/** -1, 0 or 1: is `a` below, within `tol` of, or above `b`. */
const cmp = (a: number, b: number, tol: number) => (a > b + tol ? 1 : a < b - tol ? -1 : 0);

/** Lexicographic comparison of a child with the champion: score, then cost (lower is better), then tokens. */
export function lexicographicVsChampion(
  c: Candidate,
  margin: number,
  o: DecideOptions = {},
): { sign: number; on: 'score' | 'cost' | 'tokens' | 'tie' } {
  const score = cmp(c.vs.diff, 0, margin);
  if (score !== 0) return { sign: score, on: 'score' };
  const champCost = c.champion?.costPerTask;
  const cost =
    champCost === undefined || c.costPerTask === undefined ? 0 : cmp(champCost, c.costPerTask, o.tolerance?.cost ?? 0);
  if (cost !== 0) return { sign: cost, on: 'cost' };
  const champTok = c.champion?.tokensPerTask;
  const tokens =
    champTok === undefined || c.tokensPerTask === undefined
      ? 0
      : cmp(champTok, c.tokensPerTask, o.tolerance?.tokens ?? 0);
  return tokens !== 0 ? { sign: tokens, on: 'tokens' } : { sign: 0, on: 'tie' };
}

/** Pareto: better score without higher cost, or lower cost without a lower score. An unknown cost on either side
 * counts as equal: such a child can win on score, never on being cheaper. */
export function paretoDominates(c: Candidate, margin: number, o: DecideOptions = {}): boolean {
  const tol = o.tolerance?.cost ?? 0;
  const champCost = c.champion?.costPerTask;
  const known = champCost !== undefined && c.costPerTask !== undefined;
  const costUp = known && c.costPerTask! > champCost + tol;
  const costDown = known && c.costPerTask! < champCost - tol;
  return (c.vs.diff > margin && !costUp) || (costDown && c.vs.diff >= 0);
}

/** What a rule sees besides the child: the options, and paired-significant's Holm-adjusted p-values at this look. */
interface Ctx extends DecideOptions {
  adjusted: Map<string, number>;
}

interface RuleSpec {
  /** Higher is better; ties go to the larger mean difference, then the cheaper child. */
  key(c: Candidate, o: Ctx): number;
  pass(c: Candidate, margin: number, o: Ctx): boolean;
  test(margin: number, best: Candidate, o: Ctx): string;
}

const fmtP = (p: number) => (p < 0.0001 ? p.toExponential(1) : p.toPrecision(2));

const SPECS = {
  'paired-significant': {
    key: (c, o) => -(o.adjusted.get(c.id) ?? 1),
    pass: (c, _m, o) => (o.adjusted.get(c.id) ?? 1) <= (o.alpha ?? ALPHA),
    test: (m, b, o) =>
      o.levels
        ? `${b.vs.test.description}, H0 difference <= ${pct(m)}: one-sided p = ${fmtP(b.vs.test.p)}, level ${fmtP(o.levels.get(b.id) ?? 0)} (its share of its generation's ${fmtP(o.alpha ?? ALPHA)} at this look)`
        : `${b.vs.test.description}, H0 difference <= ${pct(m)}: one-sided p = ${fmtP(b.vs.test.p)}${o.adjusted.size > 1 ? `, Holm-adjusted over ${o.adjusted.size} children ${fmtP(o.adjusted.get(b.id) ?? 1)}` : ''}, level ${fmtP(o.alpha ?? ALPHA)}`,
  },
  mean: { key: (c) => c.vs.diff, pass: (c, m) => c.vs.diff > m, test: (m) => `mean difference > ${pct(m)}` },
  'lower-bound': {
    key: (c) => wilsonLowerBound(c.vs.meanB, c.vs.n),
    pass: (c, m) => wilsonLowerBound(c.vs.meanB, c.vs.n) > wilsonLowerBound(c.vs.meanA, c.vs.n) + m,
    test: (m, b) =>
      `Wilson lower bound ${pct(wilsonLowerBound(b.vs.meanB, b.vs.n))} > champion's ${pct(wilsonLowerBound(b.vs.meanA, b.vs.n))} + ${pct(m)}`,
  },
  pareto: {
    key: (c) => c.vs.diff,
    pass: (c, m, o) => paretoDominates(c, m, o),
    test: (m, b) =>
      `score up by > ${pct(m)} without cost up, or cost down without score down (cost ${usd(b.costPerTask)} vs champion ${b.champion?.costPerTask === undefined ? 'unknown, taken as equal' : usd(b.champion.costPerTask)})`,
  },
  lexicographic: {
    key: (c) => c.vs.diff,
    pass: (c, m, o) => lexicographicVsChampion(c, m, o).sign > 0,
    test: (m, b, o) =>
      `better on score (beyond ${pct(m)}), else cost, else tokens (decided on: ${lexicographicVsChampion(b, m, o).on})`,
  },
} satisfies Record<string, RuleSpec>;

/** Every promotion rule's name, in SPECS order (`--rule`, `lineage.rule` and studies accept these). */
export const RULES = Object.keys(SPECS) as [RuleName, ...RuleName[]];

/** Children whose cost per run is over the bound, or unknown so that the bound cannot be checked, are discarded,
 * whatever their score. */
function applyConstraints(
  candidates: Candidate[],
  maxCostPerTask?: number,
): { kept: Candidate[]; discarded: Verdict['discarded'] } {
  const discarded: Verdict['discarded'] = [];
  const kept = candidates.filter((c) => {
    if (maxCostPerTask === undefined || (c.costPerTask !== undefined && c.costPerTask <= maxCostPerTask)) return true;
    const reason =
      c.costPerTask === undefined
        ? `discarded: its cost is unknown (no price for its model in evolve.json models.prices), so lineage.maxCostPerTask ${usd(maxCostPerTask)} cannot be checked`
        : `discarded: ${usd(c.costPerTask)} per run is over lineage.maxCostPerTask ${usd(maxCostPerTask)}`;
    discarded.push({ id: c.id, reason });
    return false;
  });
  return { kept, discarded };
}

function rank(rule: RuleName, cs: Candidate[], margin: number, o: Ctx): Candidate[] {
  const spec = SPECS[rule];
  // A rule-passing child outranks a failing one (pareto: a cheaper equal child beats a dearer better one), so adding
  // a child can never block a promotion another child would have won.
  const passFirst = (a: Candidate, b: Candidate) => Number(spec.pass(b, margin, o)) - Number(spec.pass(a, margin, o));
  if (rule === 'lexicographic') {
    // Among passing (or failing) children, the best score first, then the cheaper, then the fewer tokens.
    const tokens = (c: Candidate) => c.tokensPerTask ?? Infinity;
    return [...cs].sort(
      (a, b) => passFirst(a, b) || b.vs.diff - a.vs.diff || byCost(a, b) || tokens(a) - tokens(b) || 0,
    );
  }
  return [...cs].sort(
    (a, b) => passFirst(a, b) || spec.key(b, o) - spec.key(a, o) || b.vs.diff - a.vs.diff || byCost(a, b),
  );
}

export function decide(
  rule: RuleName,
  candidates: Candidate[],
  margin = 0,
  maxCostPerTask?: number,
  options: DecideOptions = {},
): Verdict {
  const spec = SPECS[rule];
  if (!spec) throw new Error(`unknown promotion rule "${rule}" (known: ${RULES.join(', ')})`);
  const { kept, discarded } = applyConstraints(candidates, maxCostPerTask);
  const allowed = kept.filter((c) => c.vs.n > 0);
  if (allowed.length === 0)
    return {
      winner: null,
      best: null,
      reason: 'no child was comparable with the champion (no shared tasks, or over the cost bound)',
      discarded,
      tests: [],
    };
  const ctx: Ctx = { ...options, adjusted: new Map() };
  const tests: ChildTest[] = [];
  if (rule === 'paired-significant') {
    for (const c of allowed)
      if (c.vs.test.margin !== margin)
        throw new Error(`decide: ${c.id} was tested at margin ${c.vs.test.margin}, the rule asks ${margin}`);
    // The family: every comparable child, or on an extra evidence round the one child that round is about.
    const family = options.only ? allowed.filter((c) => c.id === options.only) : allowed;
    const alpha = options.alpha ?? ALPHA;
    const levelOf = (c: Candidate) => options.levels?.get(c.id) ?? 0;
    const adjusted = options.levels
      ? family.map((c) => (levelOf(c) > 0 ? Math.min(1, (c.vs.test.p * alpha) / levelOf(c)) : 1))
      : holmAdjust(family.map((c) => c.vs.test.p));
    family.forEach((c, i) => {
      ctx.adjusted.set(c.id, adjusted[i]!);
      tests.push({
        id: c.id,
        test: c.vs.test.test,
        description: c.vs.test.description,
        statistic: c.vs.test.statistic,
        p: c.vs.test.p,
        pAdjusted: adjusted[i]!,
        family: family.length,
        alpha: options.levels ? levelOf(c) : alpha,
      });
    });
  }
  const best = rank(rule, allowed, margin, ctx)[0]!;
  const text = `${best.id}: ${pct(best.vs.meanB)} vs ${pct(best.vs.meanA)} on ${best.vs.n} shared tasks, difference ${pct(best.vs.diff)} [bootstrap ${pct(best.vs.lo)}, ${pct(best.vs.hi)}]`;
  const test = spec.test(margin, best, ctx);
  return spec.pass(best, margin, ctx)
    ? { winner: best.id, best: best.id, reason: `${text}: ${test}`, discarded, tests }
    : { winner: null, best: best.id, reason: `best was ${text}; not promoted (${test} required)`, discarded, tests };
}

/** The explore option: with every = N > 0, the Nth, 2Nth, ... child of the lineage (1-based) is kept regardless of the rule. */
export function isExploreChild(ordinal: number, every: number): boolean {
  return every > 0 && ordinal > 0 && ordinal % every === 0;
}
