// bench/search: how each search strategy does on a simulated landscape, side by side over the same seeds, in the
// settings where decisions go wrong. The real lineage code decides (selectOpenParent, propose, pairedComparison,
// decide at each child's level, lineage/more-evidence, held-out confirmation); a fake evaluator samples Bernoulli
// outcomes from hidden per-task solve probabilities (bench/search/landscape.ts) instead of running Docker.
// Strategies: the product default (champion + paired-significant, evidence pooled across generations: lineage.reoffer,
// lineage.maxLooks), the same without pooling (each child decided in its own generation), DGM-style score-child + mean
// over the same generations and at the default's evaluation budget (per seed), and the oracle limit (the same
// proposals decided on the true scores).
// Settings: default; null (every child equal to the champion: any promotion is a false one); neutral (40% of changes
// do nothing); trade-offs (40% of changes help some task tags and hurt others); held-out unlike train (two tags,
// harder); deterministic (outcomes fixed per task, the model declared deterministic); null-deterministic (null, each
// genome its own fixed outcomes, declared); infra (5% of runs lost).
// Targets (issue 18): null: <= 2.5% of generations and <= 5% of 30-generation lineages promote a no-better child;
// reach: the default makes the best genome champion in >= 50% of seeds within the horizon, and >= 2x as often as
// score-child + mean at the same evaluation budget.
// Run: npx tsx bench/search.ts [--seeds 40 --generations 30 --horizon 100 --tasks 20 --heldout 10 --repeats 1
//      --children 3 --margin 0 --evidence-rounds N --max-looks N --reoffer N --keep-open K --combine B
//      --order fixed/evidence (evolve.json defaults) --variant KEY=VALUE,... --distance 4
//      --workers 2 --settings default,null,... --first-seed 1]
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Config } from '../lineage/config.js';
import { KEEP_OPEN } from '../lineage/more-evidence.js';
import type { RuleName } from '../lineage/promote.js';
import type { Selector } from '../lineage/select.js';
import { type LandscapeOptions, makeLandscape } from './search/landscape.js';
import { runSearch, type SearchOutcome, type SearchSettings } from './search/simulate.js';

const lineage = Config.parse({}).lineage;
const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '40' },
    // Seeds first-seed .. first-seed + seeds - 1: a fresh range checks settings chosen on the first one.
    'first-seed': { type: 'string', default: '1' },
    generations: { type: 'string', default: '30' },
    horizon: { type: 'string', default: '100' },
    tasks: { type: 'string', default: '20' },
    heldout: { type: 'string', default: '10' },
    repeats: { type: 'string', default: '1' },
    children: { type: 'string', default: String(lineage.children) },
    margin: { type: 'string', default: '0' },
    // The product defaults (evolve.json lineage.*), so the bench measures what a user gets.
    'evidence-rounds': { type: 'string', default: String(lineage.evidenceRounds) },
    'max-looks': { type: 'string', default: String(lineage.maxLooks) },
    reoffer: { type: 'string', default: String(lineage.reoffer) },
    'keep-open': { type: 'string', default: lineage.keepOpen },
    combine: { type: 'string', default: String(lineage.combine) },
    order: { type: 'string', default: lineage.order },
    distance: { type: 'string', default: '4' },
    workers: { type: 'string', default: '2' },
    settings: { type: 'string' },
    // Only these strategies (default, not-pooled, dgm, dgm-budget, oracle), to tune on the default quickly.
    strategies: { type: 'string' },
    // Levers measured side by side with the default in the same run, on the same seeds: each --variant adds a row
    // "default + KEY=VALUE,..." (keys: order, combine, children, reoffer, max-looks, keep-open).
    variant: { type: 'string', multiple: true },
    slice: { type: 'string' },
  },
});
const num = (flag: keyof typeof values) => {
  const v = Number(values[flag]);
  if (!Number.isFinite(v) || v < 0) throw new Error(`--${flag} must be a non-negative number, got ${values[flag]}`);
  return v;
};
function bool(flag: 'combine'): boolean {
  if (values[flag] !== 'true' && values[flag] !== 'false')
    throw new Error(`--${flag} must be true or false, got ${values[flag]}`);
  return values[flag] === 'true';
}
const GENERATIONS = num('generations');
const HORIZON = Math.max(GENERATIONS, num('horizon'));
const SEEDS = num('seeds');
const WORKERS = Math.max(1, Math.round(num('workers')));
const base = {
  generations: GENERATIONS,
  horizon: HORIZON,
  repeats: num('repeats'),
  children: num('children'),
  margin: num('margin'),
  evidenceRounds: Math.round(num('evidence-rounds')),
};
// lineage.combine is the product's proposer: the champion strategies and the oracle use it, DGM-style does not.
const COMBINE = bool('combine');
const keepOpen = KEEP_OPEN.find((k) => k === values['keep-open']);
if (!keepOpen) throw new Error(`--keep-open must be one of ${KEEP_OPEN.join(', ')}, got ${values['keep-open']}`);
// lineage.order, like combine, is the product's proposer: the champion strategies and the oracle use it.
if (values.order !== 'fixed' && values.order !== 'evidence')
  throw new Error(`--order must be fixed or evidence, got ${values.order}`);
const ORDER: 'fixed' | 'evidence' = values.order;
const pool =
  num('reoffer') > 0 ? { maxLooks: Math.round(num('max-looks')), reoffer: Math.round(num('reoffer')), keepOpen } : null;

const SETTINGS: Record<string, { land?: Partial<LandscapeOptions>; sim?: Partial<SearchSettings> }> = {
  default: {},
  null: { land: { null: true } },
  neutral: { land: { neutral: 0.4 } },
  tradeoffs: { land: { tradeoffs: 0.4 } },
  'heldout-shift': { land: { heldoutShift: true } },
  // The offline model: its outcomes fixed per task, and declared deterministic (one look at each child's whole share).
  deterministic: { sim: { deterministic: true, declared: true } },
  // The null setting for such a model: each genome its own fixed outcome per task, equal in distribution.
  'null-deterministic': { land: { null: true }, sim: { deterministic: 'per-genome', declared: true } },
  infra: { sim: { infraErrorRate: 0.05 } },
};
const chosen = values.settings ? values.settings.split(',') : Object.keys(SETTINGS);
for (const s of chosen)
  if (!SETTINGS[s]) throw new Error(`--settings: unknown setting "${s}" (known: ${Object.keys(SETTINGS).join(', ')})`);

interface Strategy {
  key: string;
  name: string;
  select: Selector;
  rule: RuleName;
  pool: boolean;
  /** Run to the default's evaluation budget of the same seed instead of the horizon. */
  sameBudget?: boolean;
  oracle?: boolean;
  /** DGM-style proposes as published (one-change children, in the proposer's order), whatever lineage.combine and
   * lineage.order say. */
  noCombine?: boolean;
  /** A --variant's settings, over everything else. */
  sim?: Partial<SearchSettings>;
}
const ALL_STRATEGIES: Strategy[] = [
  {
    key: 'default',
    name: `default: champion + paired-significant${pool ? ', pooled' : ''}`,
    select: 'champion',
    rule: 'paired-significant',
    pool: true,
  },
  ...(pool
    ? [
        {
          key: 'not-pooled',
          name: 'champion + paired-significant, not pooled',
          select: 'champion',
          rule: 'paired-significant',
          pool: false,
        } as const,
      ]
    : []),
  {
    key: 'dgm',
    name: 'DGM-style: score-child + mean',
    select: 'score-child',
    rule: 'mean',
    pool: false,
    noCombine: true,
  },
  {
    key: 'dgm-budget',
    name: "score-child + mean at the default's evals",
    select: 'score-child',
    rule: 'mean',
    pool: false,
    sameBudget: true,
    noCombine: true,
  },
  {
    key: 'oracle',
    name: 'oracle: champion + true scores',
    select: 'champion',
    rule: 'paired-significant',
    pool: false,
    oracle: true,
  },
];
const wanted = values.strategies?.split(',') ?? ALL_STRATEGIES.map((st) => st.key);
for (const k of wanted)
  if (!ALL_STRATEGIES.some((st) => st.key === k))
    throw new Error(`--strategies: unknown strategy "${k}" (known: ${ALL_STRATEGIES.map((st) => st.key).join(', ')})`);
// The same-budget strategy runs to the default's evaluations of each seed, so it needs the default first.
if (!wanted.includes('default'))
  throw new Error('--strategies must include default (the others are measured beside it)');
const VARIANT_KEYS = ['order', 'combine', 'children', 'reoffer', 'max-looks', 'keep-open'] as const;
/** A --variant's settings over the default strategy's. */
function variantOf(spec: string): Partial<SearchSettings> {
  const out: Partial<SearchSettings> = {};
  const p = { ...(pool ?? { maxLooks: Math.round(num('max-looks')), reoffer: 0, keepOpen }) };
  for (const pair of spec.split(',')) {
    const [key, value = ''] = pair.split('=');
    const n = Number(value);
    const int = () => {
      if (!Number.isInteger(n) || n < 0)
        throw new Error(`--variant ${spec}: ${key} must be a whole number, got ${value}`);
      return n;
    };
    if (key === 'order') {
      if (value !== 'fixed' && value !== 'evidence')
        throw new Error(`--variant ${spec}: order must be fixed or evidence, got ${value}`);
      out.order = value;
    } else if (key === 'combine') {
      if (value !== 'true' && value !== 'false') throw new Error(`--variant ${spec}: combine must be true or false`);
      out.combine = value === 'true';
    } else if (key === 'children') out.children = Math.max(1, int());
    else if (key === 'reoffer') p.reoffer = int();
    else if (key === 'max-looks') p.maxLooks = int();
    else if (key === 'keep-open') {
      const k = KEEP_OPEN.find((x) => x === value);
      if (!k) throw new Error(`--variant ${spec}: keep-open must be one of ${KEEP_OPEN.join(', ')}, got ${value}`);
      p.keepOpen = k;
    } else throw new Error(`--variant ${spec}: unknown key "${key}" (known: ${VARIANT_KEYS.join(', ')})`);
  }
  if (
    p.reoffer !== (pool?.reoffer ?? 0) ||
    p.maxLooks !== (pool?.maxLooks ?? p.maxLooks) ||
    p.keepOpen !== (pool?.keepOpen ?? keepOpen)
  )
    out.pool = p.reoffer > 0 ? p : undefined;
  return out;
}
const VARIANTS: Strategy[] = (values.variant ?? []).map((spec) => ({
  key: `variant ${spec}`,
  name: `default + ${spec}`,
  select: 'champion',
  rule: 'paired-significant',
  pool: true,
  sim: variantOf(spec),
}));
const STRATEGIES = [...ALL_STRATEGIES.filter((st) => wanted.includes(st.key)), ...VARIANTS];

type Cell = SearchOutcome & { budget: number };
/** Runs every setting x strategy on the seeds `from, from + step, ...`: one slice per child process. */
function runSlice(from: number, step: number): Cell[][][] {
  const out = chosen.map(() => STRATEGIES.map(() => [] as Cell[]));
  for (let i = from; i <= SEEDS; i += step) {
    const seed = num('first-seed') - 1 + i;
    chosen.forEach((name, si) => {
      const setting = SETTINGS[name]!;
      const land = makeLandscape({
        seed,
        trainTasks: num('tasks'),
        heldoutTasks: num('heldout'),
        distance: num('distance'),
        ...setting.land,
      });
      // The null setting is about false promotions: its first `generations` are all that is counted.
      const horizon = setting.land?.null ? GENERATIONS : HORIZON;
      let budget = 0;
      STRATEGIES.forEach((st, i) => {
        const o = runSearch(
          land,
          {
            ...base,
            horizon,
            select: st.select,
            rule: st.rule,
            ...setting.sim,
            ...(st.pool && pool ? { pool } : {}),
            ...(st.oracle ? { oracle: true } : {}),
            ...(COMBINE && !st.noCombine ? { combine: true } : {}),
            ...(ORDER === 'evidence' && !st.noCombine ? { order: ORDER } : {}),
            ...(st.sameBudget ? { horizon: 0, generations: GENERATIONS, evalBudget: budget } : {}),
            ...st.sim,
          },
          seed,
        );
        if (i === 0) budget = o.evalsAtHorizon;
        out[si]![i]!.push({ ...o, budget });
      });
    });
  }
  return out;
}

const sliceArg = values.slice?.match(/^(\d+)\/(\d+)$/);
if (values.slice && !sliceArg) throw new Error(`--slice must look like 1/2, got ${values.slice}`);
if (sliceArg) {
  // A child process: print its slice as one JSON line for the parent, and exit once a pipe has taken all of it.
  process.stdout.write(`${JSON.stringify(runSlice(Number(sliceArg[1]), Number(sliceArg[2])))}\n`, () =>
    process.exit(0),
  );
  await new Promise(() => {});
}

const started = performance.now();
// The seeds are independent, so they are shared out over child processes.
const slices = await Promise.all(
  Array.from(
    { length: WORKERS },
    (_, w) =>
      new Promise<Cell[][][]>((resolve, reject) => {
        const child = spawn(
          process.execPath,
          [
            '--import',
            'tsx',
            fileURLToPath(import.meta.url),
            ...process.argv.slice(2),
            '--slice',
            `${w + 1}/${WORKERS}`,
          ],
          { stdio: ['ignore', 'pipe', 'inherit'] },
        );
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.on('error', reject);
        child.on('close', (code) =>
          code === 0
            ? resolve(JSON.parse(out) as Cell[][][])
            : reject(new Error(`bench/search slice ${w + 1}/${WORKERS} exited with ${code}`)),
        );
      }),
  ),
);
const seconds = (performance.now() - started) / 1000;

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
const pct = (x: number) => `${x.toFixed(1)}%`;
const rowOf = (runs: Cell[], st: Strategy, isNull: boolean) => {
  const gens = runs.length * GENERATIONS;
  // Reach: the best genome (or one as good) became champion; at the same budget: within the default's evaluations.
  const reached = runs.filter((x) =>
    st.sameBudget ? x.evalsToBest !== null && x.evalsToBest <= x.budget : x.evalsToBest !== null,
  ).length;
  return {
    strategy: st.name,
    noBetterPerGenPct: (100 * runs.reduce((s, x) => s + x.noBetterPromotions, 0)) / gens,
    trainPassPerGenPct: (100 * runs.reduce((s, x) => s + x.noBetterTrainPasses, 0)) / gens,
    noBetterLineagesPct: (100 * runs.filter((x) => x.noBetterPromotions > 0).length) / runs.length,
    worsePerGenPct: (100 * runs.reduce((s, x) => s + x.worsePromotions, 0)) / gens,
    promotionsAt30: mean(runs.map((x) => x.promotions)),
    reachPct: isNull ? null : (100 * reached) / runs.length,
    evalsPerRun: mean(runs.map((x) => x.evalsAtHorizon)),
    gapAt30: mean(runs.map((x) => 100 * (x.bestTrue - x.finalTrue))),
  };
};
const report = chosen.map((name, si) => ({
  setting: name,
  rows: STRATEGIES.map((st, i) =>
    rowOf(
      slices.flatMap((s) => s[si]![i]!),
      st,
      name.startsWith('null'),
    ),
  ),
}));

console.log(
  `bench/search: ${SEEDS} seeds; no-better and worse rates over the first ${GENERATIONS} generations, reach by generation ${HORIZON}; ${num('tasks')} train + ${num('heldout')} held-out tasks, ${base.repeats} repeat(s), ${base.children} children (systematic), margin ${base.margin}, evidence rounds ${base.evidenceRounds}, ${pool ? `pooled: reoffer ${pool.reoffer}, maxLooks ${pool.maxLooks}, keepOpen ${pool.keepOpen}` : 'not pooled'}${COMBINE ? ', combine' : ''}${ORDER === 'evidence' ? ', order evidence' : ''}, best genome ${num('distance')} changes from the root`,
);
const cols: Array<[string, number, (r: ReturnType<typeof rowOf>) => string]> = [
  ['strategy', 50, (r) => r.strategy],
  ['train no-better', 16, (r) => pct(r.trainPassPerGenPct)],
  ['no-better/gen', 14, (r) => pct(r.noBetterPerGenPct)],
  [`${GENERATIONS}-gen lineages`, 16, (r) => pct(r.noBetterLineagesPct)],
  ['worse/gen', 10, (r) => pct(r.worsePerGenPct)],
  [`promos@${GENERATIONS}`, 10, (r) => r.promotionsAt30.toFixed(2)],
  [`reach@${HORIZON}`, 10, (r) => (r.reachPct === null ? 'n/a' : pct(r.reachPct))],
  ['evals/run', 10, (r) => r.evalsPerRun.toFixed(0)],
  [`gap@${GENERATIONS}`, 8, (r) => r.gapAt30.toFixed(1)],
];
for (const { setting, rows } of report) {
  console.log(`\n[${setting}]`);
  console.log(cols.map(([h, w], i) => (i ? h.padStart(w) : h.padEnd(w))).join(''));
  for (const r of rows)
    console.log(cols.map(([, w, cell], i) => (i ? cell(r).padStart(w) : cell(r).padEnd(w))).join(''));
}

const targets: Record<string, boolean> = {};
const nullRows = report.find((r) => r.setting === 'null')?.rows;
if (nullRows) {
  const d = nullRows[0]!;
  targets.null = d.noBetterPerGenPct <= 2.5 && d.noBetterLineagesPct <= 5;
  console.log(
    `\ntarget null (default: no-better promotions in <= 2.5% of generations and <= 5% of ${GENERATIONS}-generation lineages: ${pct(d.noBetterPerGenPct)}, ${pct(d.noBetterLineagesPct)}): ${targets.null ? 'met' : 'MISSED'}`,
  );
}
// The printed levels: a generation's train rule passes a no-better child in at most 2.5% of generations (each child's
// share at each of its looks), with the whole share at one look for a model that declares itself deterministic.
for (const name of ['null', 'null-deterministic']) {
  const d = report.find((r) => r.setting === name)?.rows[0];
  if (!d) continue;
  targets[`${name} train level`] =
    d.trainPassPerGenPct <= 2.5 && d.noBetterPerGenPct <= 2.5 && d.noBetterLineagesPct <= 5;
  console.log(
    `levels ${name} (train rule passes a no-better child in <= 2.5% of generations: ${pct(d.trainPassPerGenPct)}; after held-out ${pct(d.noBetterPerGenPct)} of generations, ${pct(d.noBetterLineagesPct)} of lineages): ${targets[`${name} train level`] ? 'held' : 'EXCEEDED'}`,
  );
}
const mainRows = report.find((r) => r.setting === 'default')?.rows;
if (mainRows) {
  const d = mainRows[0]!.reachPct!;
  // Without the same-budget DGM-style row (--strategies) only the 50% half of the target is checked.
  const dgm = mainRows.find((r) => r.strategy.startsWith("score-child + mean at the default's"))?.reachPct ?? null;
  const oracle = mainRows.find((r) => r.strategy.startsWith('oracle'))?.reachPct ?? null;
  targets.reach = d >= 50 && (dgm === null || d >= 2 * dgm);
  console.log(
    `target reach (default finds the best genome in >= 50% of seeds by g${HORIZON} and >= 2x score-child + mean at the same evaluation budget: ${pct(d)} vs ${dgm === null ? 'not run' : pct(dgm)}; oracle limit ${oracle === null ? 'not run' : pct(oracle)}): ${targets.reach ? 'met' : 'MISSED'}   (${seconds.toFixed(1)} s)`,
  );
}
console.log(
  JSON.stringify({
    bench: 'search',
    seeds: SEEDS,
    ...base,
    pool,
    combine: COMBINE,
    order: ORDER,
    tasks: num('tasks'),
    heldout: num('heldout'),
    distance: num('distance'),
    seconds: Number(seconds.toFixed(1)),
    report,
    targets,
  }),
);
process.exitCode = Object.values(targets).every(Boolean) ? 0 : 1;
