import { canonicalJson, type Genome, genomeHash, POLICY_SLOTS } from '../../agent/genome.js';
import { listPolicies } from '../../agent/policies/registry.js';
import { baselineGenome } from '../../lineage/experiments.js';
import { oneChangeCandidates } from '../../lineage/proposers.js';
import { seededRandom } from '../../evaluator/stats/index.js';

// A simulated search landscape for bench/search. Genomes are real (the exp-01 baseline and the real one-change
// candidates); each has hidden true solve probabilities per task. A target genome is a seeded walk of one-change
// steps from the root, so it is reachable; every choice that differs from the target's subtracts a latent effect
// that depends on the task's tag, so the target is the best genome on every task (and hence in mean).

export const TAGS = ['logic', 'edge-case', 'string-handling', 'needs-search', 'off-by-one', 'multi-file'] as const;

export interface SimTask {
  id: string;
  tag: (typeof TAGS)[number];
  split: 'train' | 'heldout';
  /** The target genome's logit on this task (difficulty). */
  base: number;
}

export interface LandscapeOptions {
  seed: number;
  trainTasks?: number;
  heldoutTasks?: number;
  /** Distinct parts (slots, or budgets.steps) the target changes from the root. */
  distance?: number;
  /** null: every genome has the root's solve probabilities (no child is ever better: any promotion is a false one). */
  null?: boolean;
  /** Share of the choices the target does not make that change nothing (a child making one is no better). */
  neutral?: number;
  /** Share of those choices that trade across task tags: they help some tags and hurt others (still a loss on average). */
  tradeoffs?: number;
  /** Held-out tasks unlike train: drawn from two tags only and harder (their logit 0.6 lower). */
  heldoutShift?: boolean;
}

export interface Landscape {
  seed: number;
  tasks: SimTask[];
  root: Genome;
  target: Genome;
  /** Root, then each one-change step to the target. */
  path: Genome[];
  /** True solve probability of a genome on each task, in `tasks` order (cached by hash). */
  probabilities(g: Genome): Float64Array;
  /** True mean solve rate over all tasks (train and held-out). */
  trueScore(g: Genome): number;
  /** Dollars per run: a fixed latent price of each choice, times the step budget. */
  costPerRun(g: Genome): number;
}

/** A stable 32-bit hash of a string, to key latent effects and draws without enumerating genomes. */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  // FNV-1a alone barely moves the high bits when only the last character differs (task ids, repeats): the
  // murmur3 finaliser spreads every input bit over the output, so neighbouring keys give independent draws.
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

const uniform = (seed: number, key: string) => seededRandom(hash32(`${seed}\0${key}`))();
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
function normal(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(rand() || 1e-12)) * Math.cos(2 * Math.PI * rand());
}

/** What a slot choice does: its name plus its params with the policy's defaults filled in. */
function choiceKey(g: Genome, slot: (typeof POLICY_SLOTS)[number]): { name: string; key: string } {
  const info = listPolicies(slot).find((p) => p.name === g[slot].name);
  return { name: g[slot].name, key: `${g[slot].name}${canonicalJson({ ...info?.defaults, ...g[slot].params })}` };
}

/** Which part of the genome a one-change child changed (a slot or budgets.steps). */
function changedPart(a: Genome, b: Genome): string {
  for (const slot of POLICY_SLOTS) if (canonicalJson(a[slot]) !== canonicalJson(b[slot])) return slot;
  return 'budgets.steps';
}

export function makeLandscape(o: LandscapeOptions): Landscape {
  const { seed } = o;
  const rand = seededRandom(hash32(`landscape ${seed}`));
  const tasks: SimTask[] = [];
  const train = o.trainTasks ?? 20;
  const heldout = o.heldoutTasks ?? 10;
  for (let i = 0; i < train + heldout; i++) {
    // Difficulty spread: some tasks nearly always solved, some nearly never, as on real suites.
    const shifted = o.heldoutShift && i >= train;
    const tag = TAGS[Math.floor(rand() * TAGS.length)]!;
    const base = 0.9 + 1.3 * normal(rand);
    tasks.push({
      id: `sim-${String(i).padStart(3, '0')}`,
      tag: shifted ? TAGS[tag.length % 2]! : tag,
      split: i < train ? 'train' : 'heldout',
      base: shifted ? base - 0.6 : base,
    });
  }

  // The target: a walk of one-change steps, each changing a part not changed yet.
  const root = baselineGenome();
  const path = [root];
  const changed = new Set<string>();
  const distance = o.distance ?? 4;
  while (changed.size < distance) {
    const here = path.at(-1)!;
    const options = oneChangeCandidates(here).filter((c) => !changed.has(changedPart(here, c.genome)));
    const next = options[Math.floor(rand() * options.length)]!.genome;
    changed.add(changedPart(here, next));
    path.push(next);
  }
  const target = path.at(-1)!;
  const targetKeys = Object.fromEntries(POLICY_SLOTS.map((s) => [s, choiceKey(target, s)]));

  /** Logit lost on a task of this tag by a choice that differs from the target's (0 when it matches). */
  function penalty(slot: string, choice: { name: string; key: string }, tag: string): number {
    const want = targetKeys[slot]!;
    if (choice.key === want.key) return 0;
    // Mean about 0.45 logit (roughly 10 points of solve rate mid-range); the right policy with the wrong
    // parameters costs half as much; each tag feels it more or less (x0.25 .. x1.75).
    const size = 0.15 - 0.3 * Math.log(1 - uniform(seed, `size ${slot} ${choice.key}`) || 1e-12);
    const kind = uniform(seed, `kind ${slot} ${choice.key}`);
    if (kind < (o.neutral ?? 0)) return 0;
    // A trade-off helps half the tags (down to -0.75x) and hurts the others (up to 1.75x): a loss on average.
    const tradeoff = kind < (o.neutral ?? 0) + (o.tradeoffs ?? 0);
    const tagFactor = tradeoff
      ? (TAGS.indexOf(tag as (typeof TAGS)[number]) + hash32(`${seed} ${slot} ${choice.key}`)) % 2
        ? 0.25 + 1.5 * uniform(seed, `tag ${slot} ${choice.key} ${tag}`)
        : -0.75 * uniform(seed, `tag ${slot} ${choice.key} ${tag}`)
      : 0.25 + 1.5 * uniform(seed, `tag ${slot} ${choice.key} ${tag}`);
    return size * tagFactor * (choice.name === want.name ? 0.5 : 1);
  }
  const stepsPenalty = (steps: number, tag: string) =>
    ((0.35 * Math.abs(Math.log(steps / target.budgets.steps))) / Math.log(1.5)) *
    (0.25 + 1.5 * uniform(seed, `tag steps ${tag}`));

  const cache = new Map<string, Float64Array>();
  const byObject = new WeakMap<Genome, Float64Array>();
  function probabilities(g: Genome): Float64Array {
    const known = byObject.get(g);
    if (known) return known;
    const h = o.null ? genomeHash(root) : genomeHash(g);
    if (o.null) g = root;
    let p = cache.get(h);
    if (!p) {
      const keys = POLICY_SLOTS.map((s) => [s, choiceKey(g, s)] as const);
      p = Float64Array.from(tasks, (t) =>
        sigmoid(
          t.base - keys.reduce((sum, [s, k]) => sum + penalty(s, k, t.tag), 0) - stepsPenalty(g.budgets.steps, t.tag),
        ),
      );
      cache.set(h, p);
    }
    byObject.set(g, p);
    return p;
  }
  const trueScore = (g: Genome) => probabilities(g).reduce((s, x) => s + x, 0) / tasks.length;
  const costs = new WeakMap<Genome, number>();
  const costPerRun = (g: Genome) => {
    let c = costs.get(g);
    if (c === undefined)
      costs.set(
        g,
        (c =
          0.01 *
          Math.sqrt(g.budgets.steps / 30) *
          POLICY_SLOTS.reduce((m, s) => m * (0.8 + 0.45 * uniform(seed, `cost ${choiceKey(g, s).key}`)), 1)),
      );
    return c;
  };
  return { seed, tasks, root, target, path, probabilities, trueScore, costPerRun };
}
