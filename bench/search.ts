// bench/search: how each parent-selection + promotion combination searches a simulated landscape, side by side
// over the same seeds. The real lineage code decides (selectParent, propose, pairedComparison, decide, held-out
// confirmation); a fake evaluator samples Bernoulli outcomes from hidden per-task solve probabilities
// (bench/search/landscape.ts) instead of running Docker.
// Targets: the default (champion + paired-significant) needs fewer task evaluations than score-child + mean to
// make the best genome champion, and promotes a truly worse genome in under 5% of generations.
// Run: npx tsx bench/search.ts [--seeds 200 --generations 30 --tasks 20 --heldout 10 --repeats 1 --children 3 --margin 0
//      --distance 4 --workers 2]
import { parseArgs } from 'node:util';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type Candidate, decide, type RuleName } from '../lineage/promote.js';
import type { Selector } from '../lineage/select.js';
import { makeLandscape } from './search/landscape.js';
import { runSearch, type SearchOutcome } from './search/simulate.js';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '200' },
    generations: { type: 'string', default: '30' },
    tasks: { type: 'string', default: '20' },
    heldout: { type: 'string', default: '10' },
    repeats: { type: 'string', default: '1' },
    children: { type: 'string', default: '3' },
    margin: { type: 'string', default: '0' },
    distance: { type: 'string', default: '4' },
    workers: { type: 'string', default: '2' },
    slice: { type: 'string' },
  },
});
const num = (flag: keyof typeof values) => {
  const v = Number(values[flag]);
  if (!Number.isFinite(v) || v < 0) throw new Error(`--${flag} must be a non-negative number, got ${values[flag]}`);
  return v;
};
const settings = { generations: num('generations'), repeats: num('repeats'), children: num('children'), margin: num('margin') };
const SEEDS = num('seeds');
const WORKERS = Math.max(1, Math.round(num('workers')));

/** A rule exists if decide() accepts it; a promote.ts that does not validate names is asked only for its originals. */
function ruleExists(rule: string): boolean {
  const probe: Candidate[] = [];
  const accepts = (r: string) => {
    try {
      decide(r as RuleName, probe, 0);
      return true;
    } catch {
      return false;
    }
  };
  return accepts(rule) && (!accepts('no-such-rule') || rule === 'paired-significant' || rule === 'mean');
}

const combos: Array<{ select: Selector; rule: RuleName }> = [
  { select: 'champion', rule: 'paired-significant' },
  { select: 'score-child', rule: 'mean' },
  { select: 'thompson', rule: 'paired-significant' },
  { select: 'champion', rule: 'mean' },
  { select: 'score-child', rule: 'paired-significant' },
  { select: 'thompson', rule: 'mean' },
];
for (const rule of ['lower-bound', 'pareto', 'lexicographic']) if (ruleExists(rule)) combos.push({ select: 'champion', rule: rule as RuleName });

/** Runs every combination on the seeds `from, from + step, ...`: one slice per child process. */
function runSlice(from: number, step: number): SearchOutcome[][] {
  const out = combos.map(() => [] as SearchOutcome[]);
  for (let seed = from; seed <= SEEDS; seed += step) {
    const land = makeLandscape({ seed, trainTasks: num('tasks'), heldoutTasks: num('heldout'), distance: num('distance') });
    combos.forEach((c, i) => out[i]!.push(runSearch(land, { ...settings, ...c }, seed)));
  }
  return out;
}
const sliceArg = values.slice?.match(/^(\d+)\/(\d+)$/);
if (values.slice && !sliceArg) throw new Error(`--slice must look like 1/2, got ${values.slice}`);
if (sliceArg) {
  // A child process: print its slice as one JSON line for the parent.
  process.stdout.write(`${JSON.stringify(runSlice(Number(sliceArg[1]), Number(sliceArg[2])))}\n`);
  process.exit(0);
}

const started = performance.now();
// The seeds are independent, so they are shared out over child processes (the machine has 2 cores).
const slices = await Promise.all(
  Array.from({ length: WORKERS }, (_, w) =>
    new Promise<SearchOutcome[][]>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), ...process.argv.slice(2), '--slice', `${w + 1}/${WORKERS}`], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as SearchOutcome[][]) : reject(new Error(`bench/search slice ${w + 1}/${WORKERS} exited with ${code}`))));
    }),
  ),
);
const results = combos.map((c, i) => ({ ...c, runs: slices.flatMap((slice) => slice[i]!) }));
const seconds = (performance.now() - started) / 1000;

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
/** Median with never-reached runs counted as infinitely late (so it is Infinity when half or more never reached). */
const censoredMedian = (xs: Array<number | null>) => {
  const sorted = xs.map((x) => x ?? Infinity).sort((a, b) => a - b);
  const n = sorted.length;
  return n % 2 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
};
const rows = results.map((r) => ({
  select: r.select,
  rule: r.rule,
  reachedPct: (100 * r.runs.filter((x) => x.evalsToBest !== null).length) / r.runs.length,
  medianEvalsToBest: censoredMedian(r.runs.map((x) => x.evalsToBest)),
  halfGapPct: (100 * r.runs.filter((x) => x.evalsToHalfGap !== null).length) / r.runs.length,
  medianEvalsToHalfGap: censoredMedian(r.runs.map((x) => x.evalsToHalfGap)),
  meanEvals: mean(r.runs.map((x) => x.evals)),
  promotionsPerRun: mean(r.runs.map((x) => x.promotions)),
  worsePromotionPct: (100 * r.runs.reduce((s, x) => s + x.worsePromotions, 0)) / (r.runs.length * settings.generations),
  worseOfPromotionsPct: (100 * r.runs.reduce((s, x) => s + x.worsePromotions, 0)) / Math.max(1, r.runs.reduce((s, x) => s + x.promotions, 0)),
  finalTrue: mean(r.runs.map((x) => x.finalTrue)),
  gapToBest: mean(r.runs.map((x) => x.bestTrue - x.finalTrue)),
}));

const f = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : 'never');
const pctOf = (x: number) => `${f(x)}%`;
console.log(`bench/search: ${SEEDS} seeds x ${settings.generations} generations, ${num('tasks')} train + ${num('heldout')} held-out tasks, ${settings.repeats} repeat(s), ${settings.children} children (systematic), margin ${settings.margin}, best genome ${num('distance')} changes from the root`);
console.log(`landscape: root true score ${pctOf(100 * mean(results[0]!.runs.map((x) => x.rootTrue)))}, best ${pctOf(100 * mean(results[0]!.runs.map((x) => x.bestTrue)))} (means over seeds); evals = task runs, train and held-out; medians count "never" as later than any number`);
const columns: Array<[string, number, (r: (typeof rows)[number]) => string]> = [
  ['select + rule', 34, (r) => `${r.select} + ${r.rule}`],
  ['reached best', 13, (r) => `${f(r.reachedPct, 0)}%`],
  ['median evals', 13, (r) => f(r.medianEvalsToBest, 0)],
  ['half gap', 9, (r) => `${f(r.halfGapPct, 0)}%`],
  ['median evals', 13, (r) => f(r.medianEvalsToHalfGap, 0)],
  ['evals/run', 10, (r) => f(r.meanEvals, 0)],
  ['promotions', 11, (r) => f(r.promotionsPerRun, 2)],
  ['worse/gen', 10, (r) => pctOf(r.worsePromotionPct)],
  ['worse/promo', 12, (r) => pctOf(r.worseOfPromotionsPct)],
  ['final true', 11, (r) => pctOf(100 * r.finalTrue)],
  ['gap', 6, (r) => f(100 * r.gapToBest)],
];
console.log(columns.map(([h, w], i) => (i ? h.padStart(w) : h.padEnd(w))).join(''));
for (const r of rows) console.log(columns.map(([, w, cell], i) => (i ? cell(r).padStart(w) : cell(r).padEnd(w))).join(''));

const def = rows[0]!;
const sc = rows[1]!;
// "Fewer evaluations to the best genome" needs the default to get there: compared by the censored median, so a
// combination that stops early without reaching the best cannot win by having spent little.
const fewer = Number.isFinite(def.medianEvalsToBest) && def.medianEvalsToBest < sc.medianEvalsToBest;
const safe = def.worsePromotionPct < 5;
// Reported beside the target, not instead of it: the exact best genome is rarely reached by any combination at this
// budget (its last one-change steps are a few points, inside the noise of 20 tasks), so also say who gets halfway.
const halfway = def.medianEvalsToHalfGap < sc.medianEvalsToHalfGap || (def.medianEvalsToHalfGap === sc.medianEvalsToHalfGap && def.halfGapPct > sc.halfGapPct);
console.log(`also: closing half the root-to-best gap, default median ${f(def.medianEvalsToHalfGap, 0)} evals (${f(def.halfGapPct, 0)}% of seeds) vs score-child + mean ${f(sc.medianEvalsToHalfGap, 0)} (${f(sc.halfGapPct, 0)}%): default ${halfway ? 'faster' : 'not faster'}; final true score ${pctOf(100 * def.finalTrue)} vs ${pctOf(100 * sc.finalTrue)}`);
console.log(`targets: default (champion + paired-significant) makes the best genome champion in fewer evaluations than score-child + mean (median ${f(def.medianEvalsToBest, 0)} vs ${f(sc.medianEvalsToBest, 0)}) ${fewer ? 'met' : 'MISSED'}; promotes a truly worse genome in ${pctOf(def.worsePromotionPct)} of generations (< 5%) ${safe ? 'met' : 'MISSED'}   (${seconds.toFixed(1)} s)`);
console.log(JSON.stringify({ bench: 'search', seeds: SEEDS, ...settings, tasks: num('tasks'), heldout: num('heldout'), distance: num('distance'), seconds: Number(seconds.toFixed(1)), rows, targets: { fewerEvaluations: fewer, worseUnder5Pct: safe } }, (_k, v: unknown) => (v === Infinity ? null : v)));
process.exitCode = fewer && safe ? 0 : 1;
