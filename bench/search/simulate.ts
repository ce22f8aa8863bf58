import { type Genome, genomeHash } from '../../agent/genome.js';
import { pairedComparison, type RunOutcome, taskScores } from '../../evaluator/stats/index.js';
import type { ExperimentStatus } from '../../lineage/db/schema.js';
import { childId } from '../../lineage/experiments.js';
import { HELDOUT_ALPHA, heldoutVerdict, repeatsIdentical, verdictOf } from '../../lineage/decide-generation.js';
import { combineFrom } from '../../lineage/combine.js';
import { type ChangeObservation, changeKey, evidenceByChange } from '../../lineage/change-evidence.js';
import {
  childLevel,
  type KeepOpen,
  lookAlpha,
  needsMoreEvidence,
  roundsRun,
  staysOpen,
} from '../../lineage/more-evidence.js';
import { nodeStatsOf } from '../../lineage/next-generation.js';
import { type Candidate, decide, type RuleName } from '../../lineage/promote.js';
import { oneChangeCandidates, type Proposal, propose } from '../../lineage/proposers.js';
import { selectOpenParent, type Selector } from '../../lineage/select.js';
import { hash32, type Landscape } from './landscape.js';

// nextGeneration's flow, in memory, with a fake evaluator that samples outcomes from the landscape's hidden
// probabilities instead of running Docker. Selection, proposals, comparisons, verdicts, promotion and held-out
// confirmation are the real lineage functions; only storage and the runs are replaced.

export interface SearchSettings {
  select: Selector;
  rule: RuleName;
  margin: number;
  children: number;
  repeats: number;
  /** The issue's horizon: the snapshot fields (evals, promotions, finalTrue, ...) are taken after this many generations. */
  generations: number;
  /** The search goes on to this many generations for the censored reach measures (>= generations). */
  horizon: number;
  /** lineage.evidenceRounds (0 = adaptive evidence off). */
  evidenceRounds: number;
  /** Repeats per held-out task on confirmation (lineage.heldoutRepeats; 1 when deterministic). Default 2. */
  heldoutRepeats?: number;
  /** The agent is deterministic: a genome solves a task in every repeat or in none. true: one draw per task for the
   * whole lineage (a child differs from its parent only where its change moved the task's probability across it);
   * 'per-genome': each genome its own draw per task (children equal in distribution still differ task by task). */
  deterministic?: boolean | 'per-genome';
  /** The model declares itself deterministic (agent/models/providers: offline): one look at each child's whole share,
   * no evidence rounds, no re-offers, one held-out repeat, as lineage/evaluate-and-decide.ts does. */
  declared?: boolean;
  /** Share of runs lost to infrastructure errors (never graded: the pairing uses the tasks both sides have). */
  infraErrorRate?: number;
  /** The oracle limit: promote the truly best child when it is truly better than the champion (no noise at all). */
  oracle?: boolean;
  /** Go on past the horizon until this many task runs are spent (the same evaluation budget as another strategy). */
  evalBudget?: number;
  /** Evidence pooled across generations (lineage.reoffer, lineage.maxLooks): a child that looked better but was inconclusive stays open
   * against its champion and is re-offered in later generations, its runs kept, one look up its ladder each time. */
  pool?: { maxLooks: number; reoffer: number; keepOpen?: KeepOpen };
  /** lineage.combine: the combinations of what looked better (lineage/combine.ts) before the systematic proposals. */
  combine?: boolean;
  /** lineage.order: 'evidence' offers a parent's untried variants in order of what each change was seen to do from any
   * parent (lineage/change-evidence.ts); 'fixed' (default) the proposer's own order. */
  order?: 'fixed' | 'evidence';
}

export interface SearchOutcome {
  /** Task runs (train and held-out) until the best genome first became champion within the horizon; null when it never did. */
  evalsToBest: number | null;
  /** The generation in which that happened; null when it never did. */
  generationToBest: number | null;
  /** Task runs until the champion's true score first closed half the root-to-best gap; null when it never did. */
  evalsToHalfGap: number | null;
  generationToHalfGap: number | null;
  /** Task runs after `generations` generations, and after the whole horizon. */
  evals: number;
  evalsAtHorizon: number;
  /** Generations (of the first `generations`) that ran extra evidence rounds, and the rounds they ran. */
  evidenceGenerations: number;
  evidenceRounds: number;
  /** Open children re-offered by later generations (pooled evidence), over the whole search. */
  reoffers: number;
  /** Children proposed by combining what looked better (lineage.combine), and how many of them changed two things. */
  combined: number;
  twoChange: number;
  promotions: number;
  /** Generations (of the first `generations`) whose train rule passed a no-better child, before held-out confirmation:
   * the rate the printed train levels bound (2.5% of generations). */
  noBetterTrainPasses: number;
  /** Generations whose promotion replaced the champion with a genome of lower true mean solve rate. */
  worsePromotions: number;
  /** Generations whose promotion replaced the champion with a genome of no higher true mean solve rate (equal or worse). */
  noBetterPromotions: number;
  finalTrue: number;
  /** The champion's true score at the end of the search (the horizon, or the evaluation budget). */
  trueAtHorizon: number;
  /** At the horizon, not at the best: the champion has truly better one-change neighbours and every one of them was
   * already tried from it (and not promoted), so the proposer will not offer them again. */
  betterNeighboursAllTried: boolean;
  bestTrue: number;
  rootTrue: number;
}

interface SimExperiment {
  id: string;
  hash: string;
  parent_id: string | null;
  genome: Genome;
  status: ExperimentStatus;
  /** The train-split resolve rate, as evaluateExperiment writes it (held-out runs never change it). */
  score: number | null;
  runs: { train: RunOutcome[]; heldout: RunOutcome[] };
  /** Repeats per task run so far on each split, and which evaluation of this genome the draws belong to. */
  repeats: { train: number; heldout: number };
  occurrence: { train?: string; heldout?: string };
  cost: number;
  /** Pooling: the champion it is being compared with while open (null once closed), its generation's family size,
   * and its last test's p. */
  openAgainst: string | null;
  family: number;
  lastP: number;
}

const hashes = new WeakMap<Genome, string>();
const hashOf = (g: Genome) => hashes.get(g) ?? (hashes.set(g, genomeHash(g)), hashes.get(g)!);

const proposals = new Map<string, Proposal[]>();
/** The systematic proposer is a pure function of parent, tried set and k; its answers are reused across runs. */
function proposeCached(parent: Genome, parentHash: string, tried: Set<string>, k: number, seed: number): Proposal[] {
  const key = `${parentHash} ${k} ${[...tried].sort().join(',')}`;
  let out = proposals.get(key);
  if (!out) proposals.set(key, (out = propose('systematic', parent, { k, tried, seed })));
  return out;
}

export function runSearch(land: Landscape, s: SearchSettings, runSeed: number): SearchOutcome {
  const exps = new Map<string, SimExperiment>();
  const add = (id: string, parent: string | null, genome: Genome) =>
    exps
      .set(id, {
        id,
        hash: hashOf(genome),
        parent_id: parent,
        genome,
        status: 'proposed',
        score: null,
        runs: { train: [], heldout: [] },
        repeats: { train: 0, heldout: 0 },
        occurrence: {},
        cost: 0,
        openAgainst: null,
        family: 1,
        lastP: 1,
      })
      .get(id)!;
  add('exp-01', null, land.root);
  let champion = 'exp-01';
  let evals = 0;
  // Each genome's k-th evaluation draws the same outcomes whichever combination asks, so combinations are
  // compared on common random numbers; a re-proposed genome still gets fresh draws.
  const draws = new Map<string, number>();

  /** The fake evaluator: runs the repeats of a split not yet run (finished runs are never repeated), sets the score. */
  function evaluate(e: SimExperiment, split: 'train' | 'heldout', repeats = s.repeats) {
    if (e.repeats[split] < repeats) {
      const h = e.hash;
      if (e.occurrence[split] === undefined) {
        e.occurrence[split] = `${split}${draws.get(`${h}${split}`) ?? 0}`;
        draws.set(`${h}${split}`, (draws.get(`${h}${split}`) ?? 0) + 1);
      }
      const p = land.probabilities(e.genome);
      land.tasks.forEach((t, i) => {
        if (t.split !== split) return;
        for (let r = e.repeats[split]; r < repeats; r++) {
          // Deterministic: one draw per task for the whole lineage, so a genome's repeats agree and a child differs
          // from its parent only where the change moved the task's solve probability across that draw.
          const u =
            hash32(
              s.deterministic === 'per-genome'
                ? `${runSeed} ${h} ${t.id}`
                : s.deterministic
                  ? `${runSeed} ${t.id}`
                  : `${runSeed} ${h} ${e.occurrence[split]} ${t.id} ${r}`,
            ) / 4294967296;
          evals++;
          if (
            s.infraErrorRate &&
            hash32(`infra ${runSeed} ${h} ${e.occurrence[split]} ${t.id} ${r}`) / 4294967296 < s.infraErrorRate
          ) {
            e.cost += land.costPerRun(e.genome);
            continue;
          }
          e.runs[split].push({ taskId: t.id, repeat: r, resolved: u < p[i]! });
          e.cost += land.costPerRun(e.genome);
        }
      });
      e.repeats[split] = repeats;
    }
    if (split === 'train') {
      const scores = [...taskScores(e.runs.train).values()];
      e.score = scores.reduce((sum, t) => sum + t.mean, 0) / scores.length;
    }
    if (e.status === 'proposed') e.status = 'evaluated';
  }
  const costPerRun = (e: SimExperiment) => e.cost / Math.max(1, e.runs.train.length + e.runs.heldout.length);

  const bestTrue = land.trueScore(land.target);
  const isBest = (id: string) => land.trueScore(exps.get(id)!.genome) >= bestTrue - 1e-12;
  const halfway = (land.trueScore(land.root) + bestTrue) / 2;
  let evalsToBest: number | null = isBest(champion) ? 0 : null;
  let generationToBest: number | null = evalsToBest === null ? null : 0;
  let evalsToHalfGap: number | null = null;
  let generationToHalfGap: number | null = null;
  let promotions = 0;
  let noBetterTrainPasses = 0;
  let worsePromotions = 0;
  let noBetterPromotions = 0;
  let evidenceGenerations = 0;
  let evidenceRounds = 0;
  let reoffers = 0;
  let combinedChildren = 0;
  let twoChange = 0;
  let snapshot: Pick<
    SearchOutcome,
    | 'evals'
    | 'promotions'
    | 'noBetterTrainPasses'
    | 'worsePromotions'
    | 'noBetterPromotions'
    | 'finalTrue'
    | 'evidenceGenerations'
    | 'evidenceRounds'
  > | null = null;
  const takeSnapshot = () => ({
    evals,
    promotions,
    noBetterTrainPasses,
    worsePromotions,
    noBetterPromotions,
    finalTrue: land.trueScore(exps.get(champion)!.genome),
    evidenceGenerations,
    evidenceRounds,
  });

  const childrenOf = (id: string) => [...exps.values()].filter((e) => e.parent_id === id);
  const combinedFor = (parent: SimExperiment, tried: Set<string>) => {
    const grand = parent.parent_id ? exps.get(parent.parent_id)! : null;
    return combineFrom(
      parent,
      { grand, siblings: grand ? childrenOf(grand.id) : [], children: childrenOf(parent.id) },
      tried,
    );
  };

  // lineage.order 'evidence': each scored one-change child is evidence about its change (its key fixed, its gain read
  // from the scores as they are now, as the product reads them from the experiment rows).
  const keys = new Map<string, { key: string; undo: string } | null>();
  const evidence = () => {
    const obs: ChangeObservation[] = [];
    for (const e of exps.values()) {
      const parent = e.parent_id ? exps.get(e.parent_id)! : null;
      if (!parent || e.score === null || parent.score === null) continue;
      if (!keys.has(e.id)) keys.set(e.id, changeKey(parent.genome, e.genome));
      const k = keys.get(e.id);
      if (k) obs.push({ ...k, gain: e.score - parent.score });
    }
    return evidenceByChange(obs);
  };

  const last = Math.max(s.generations, s.horizon);
  for (let g = 1; g <= last || (s.evalBudget !== undefined && evals < s.evalBudget && g <= 50 * last); g++) {
    if (g === s.generations + 1) snapshot = takeSnapshot();
    const seed = hash32(`generation ${runSeed} ${g}`) & 0x7fffffff;
    const all = [...exps.values()];
    // Only thompson reads the run counts (successes, failures), so the others are spared flattening every run.
    const runs =
      s.select !== 'thompson'
        ? []
        : all.flatMap((e) =>
            e.runs.train.map((r) => ({ experiment_id: e.id, outcome: r.resolved ? 'resolved' : 'unresolved' })),
          );
    const kids = new Map<string, string[]>();
    for (const e of all) if (e.parent_id) kids.set(e.parent_id, [...(kids.get(e.parent_id) ?? []), e.hash]);
    const triedFrom = (id: string) => new Set([exps.get(id)!.hash, ...(kids.get(id) ?? [])]);
    // Pooling (lineage/pooled-evidence.ts): the children still open against this champion (staysOpen when last
    // decided), most promising first.
    const pending = s.pool ? all.filter((e) => e.openAgainst === champion).sort((a, b) => a.lastP - b.lastP) : [];
    // nextGeneration's parent: the selected one while it has an untried one-change variant, else the best-scoring
    // experiment that has one (untriedVariants).
    const isOpen = (id: string) =>
      proposeCached(exps.get(id)!.genome, exps.get(id)!.hash, triedFrom(id), 1, 1).length > 0;
    const parent = exps.get(selectOpenParent(s.select, nodeStatsOf(all, runs), champion, seed, isOpen).id)!;

    const siblings = kids.get(parent.id) ?? [];
    const tried = triedFrom(parent.id);
    const champRuns = taskScores(exps.get(champion)!.runs.train);
    const reoffered =
      s.declared || repeatsIdentical(champRuns, champRuns, [...champRuns.keys()])
        ? []
        : pending.slice(0, Math.min(s.pool?.reoffer ?? 0, s.children));
    const k = s.children - reoffered.length;
    // fixedProposer's order: the combinations first (lineage.combine), then the systematic walk.
    const combined = s.combine && k > 0 ? combinedFor(parent, tried).slice(0, k) : [];
    const ordered = s.order === 'evidence' && k > 0;
    const rest =
      combined.length === 0 && !ordered
        ? proposeCached(parent.genome, parent.hash, tried, k, seed)
        : propose('systematic', parent.genome, {
            k: k - combined.length,
            tried: new Set([...tried, ...combined.map((p) => hashOf(p.genome))]),
            seed,
            ...(ordered ? { evidence: evidence() } : {}),
          });
    combinedChildren += combined.length;
    twoChange += combined.filter((p) => p.combined).length;
    const fresh = [...combined, ...rest].map((p, i) =>
      add(childId(parent.id, siblings.length + i), parent.id, p.genome),
    );
    for (const c of fresh) c.family = fresh.length;
    reoffers += reoffered.length;
    const children = [...reoffered, ...fresh];
    if (children.length === 0) continue;
    const startRepeats = new Map(children.map((c) => [c.id, c.repeats.train]));
    for (const c of reoffered) {
      const next = s.repeats * 2 ** (roundsRun(c.repeats.train, s.repeats) + 1);
      for (const e of [exps.get(champion)!, c]) evaluate(e, 'train', next);
    }

    for (const e of new Set([exps.get(champion)!, parent, ...children])) evaluate(e, 'train');
    const compare = (): Candidate[] => {
      const base = taskScores(exps.get(champion)!.runs.train);
      return children.map((c) => ({
        id: c.id,
        vs: pairedComparison(base, taskScores(c.runs.train), { seed: 1, margin: s.margin }),
        costPerTask: costPerRun(c),
        champion: { costPerTask: costPerRun(exps.get(champion)!) },
      }));
    };
    // decideGeneration's flow: the rule at each look's alpha spend (the later looks test the one focused child), and
    // adaptive evidence asked through the same function, stopped by repeats that show a deterministic model.
    // The champion's own repeats identical on every task: nextGeneration treats the model as deterministic (no rounds,
    // the whole level at the one look that can tell).
    const champScores = taskScores(exps.get(champion)!.runs.train);
    const seenDeterministic =
      s.declared === true || repeatsIdentical(champScores, champScores, [...champScores.keys()]);
    const rounds = seenDeterministic ? 0 : s.evidenceRounds;
    const maxLooks = s.pool && !seenDeterministic ? Math.max(s.pool.maxLooks, rounds) : rounds;
    const lookOf = (id: string) => roundsRun(exps.get(id)!.repeats.train, s.repeats);
    const levelAt = (id: string, look: number) => childLevel(look, maxLooks, exps.get(id)!.family);
    const ruleAt = (cs: Candidate[], look: number, only?: string) =>
      s.pool
        ? decide(s.rule, cs, s.margin, undefined, {
            levels: new Map(cs.map((c) => [c.id, levelAt(c.id, lookOf(c.id))])),
          })
        : decide(s.rule, cs, s.margin, undefined, { alpha: lookAlpha(look, rounds), ...(only ? { only } : {}) });
    let candidates = compare();
    let verdict = ruleAt(candidates, 0);
    const identical = (id: string | null) =>
      id !== null &&
      repeatsIdentical(
        taskScores(exps.get(champion)!.runs.train),
        taskScores(exps.get(id)!.runs.train),
        candidates.find((c) => c.id === id)?.vs.tasks ?? [],
      );
    const evidenceInput = () => ({
      verdict,
      candidates,
      repeats: new Map(children.map((c) => [c.id, c.repeats.train])),
      margin: s.margin,
      baseRepeats: s.repeats,
      maxRounds: rounds,
      deterministic: identical(verdict.best),
      ...(s.pool ? { maxLooks, startRepeats, levelAt } : {}),
    });
    for (let more = needsMoreEvidence(evidenceInput()); more.more && !s.oracle; ) {
      if (g <= s.generations) {
        if (more.round === 1) evidenceGenerations++;
        evidenceRounds++;
      }
      for (const id of [champion, more.child]) evaluate(exps.get(id)!, 'train', more.repeats);
      candidates = compare();
      verdict = ruleAt(candidates, more.round, more.child);
      more = needsMoreEvidence(evidenceInput());
    }
    if (
      !s.oracle &&
      verdict.winner &&
      g <= s.generations &&
      land.trueScore(exps.get(verdict.winner)!.genome) <= land.trueScore(exps.get(champion)!.genome) + 1e-12
    )
      noBetterTrainPasses++;
    let promoted: string | null = null;
    if (s.oracle) {
      // The oracle limit: the same proposals, decided on true scores.
      const truth = (id: string) => land.trueScore(exps.get(id)!.genome);
      const best = [...children].sort((a, b) => truth(b.id) - truth(a.id))[0]!;
      if (truth(best.id) > truth(champion) + 1e-12) promoted = best.id;
    } else if (verdict.winner) {
      // decideGeneration's confirmation: a superiority test on the whole held-out split.
      const heldBase = s.heldoutRepeats ?? 2;
      const winner = exps.get(verdict.winner)!;
      // Pooled: each held-out look doubles the repeats, and at least matches the train repeats it passed at.
      const heldRepeats = seenDeterministic
        ? 1
        : Math.max(
            heldBase,
            s.pool ? winner.repeats.train : 0,
            s.pool && winner.repeats.heldout > 0 ? 2 * winner.repeats.heldout : 0,
          );
      for (const id of [champion, verdict.winner]) evaluate(exps.get(id)!, 'heldout', heldRepeats);
      const held = pairedComparison(
        taskScores(exps.get(champion)!.runs.heldout),
        taskScores(exps.get(verdict.winner)!.runs.heldout),
        { seed: 1 },
      );
      // Every held-out look at the whole held-out level (decideGeneration: the held-out runs are independent of train).
      if (heldoutVerdict(held, heldRepeats, HELDOUT_ALPHA).verdict === 'confirmed') promoted = verdict.winner;
    }
    for (const c of candidates)
      if (c.id !== promoted && verdictOf(c.vs).verdict === 'refuted') exps.get(c.id)!.status = 'retired';
    if (s.pool)
      for (const c of candidates) {
        const e = exps.get(c.id)!;
        e.lastP = c.vs.test.p;
        // Open while not promoted, not refuted and staysOpen (a held-out failure leaves it open); a promotion of any
        // child replaces the champion it was open against.
        const open =
          !promoted &&
          e.status !== 'retired' &&
          staysOpen(
            { diff: c.vs.diff, n: c.vs.n, repeats: e.repeats.train, family: e.family },
            { keepOpen: s.pool.keepOpen ?? 'looked-better', margin: s.margin, maxLooks, baseRepeats: s.repeats },
          );
        e.openAgainst = open ? champion : null;
      }
    if (promoted) {
      promotions++;
      const [now, was] = [land.trueScore(exps.get(promoted)!.genome), land.trueScore(exps.get(champion)!.genome)];
      if (g <= s.generations) {
        if (now < was - 1e-12) worsePromotions++;
        if (now <= was + 1e-12) noBetterPromotions++;
      }
      exps.get(promoted)!.status = 'promoted';
      champion = promoted;
      if (evalsToBest === null && isBest(champion)) [evalsToBest, generationToBest] = [evals, g];
      if (evalsToHalfGap === null && land.trueScore(exps.get(champion)!.genome) >= halfway)
        [evalsToHalfGap, generationToHalfGap] = [evals, g];
    }
  }
  const champ = exps.get(champion)!;
  const triedFromChampion = new Set([...exps.values()].filter((e) => e.parent_id === champion).map((e) => e.hash));
  const better = oneChangeCandidates(champ.genome).filter(
    (c) => land.trueScore(c.genome) > land.trueScore(champ.genome),
  );
  const betterNeighboursAllTried =
    !isBest(champion) && better.length > 0 && better.every((c) => triedFromChampion.has(hashOf(c.genome)));
  return {
    betterNeighboursAllTried,
    evalsToBest,
    generationToBest,
    evalsToHalfGap,
    generationToHalfGap,
    ...(snapshot ?? takeSnapshot()),
    evalsAtHorizon: evals,
    trueAtHorizon: land.trueScore(champ.genome),
    reoffers,
    combined: combinedChildren,
    twoChange,
    bestTrue,
    rootTrue: land.trueScore(land.root),
  };
}
