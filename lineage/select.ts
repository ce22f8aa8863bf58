import { seededRandom } from '../evaluator/stats/index.js';

// Parent selection. Each strategy sees the same summary of every candidate node and returns one id.

export interface NodeStats {
  id: string;
  /** Resolve rate, when evaluated. */
  score: number | null;
  children: number;
  /** Resolved and unresolved runs of the node and its descendants (for thompson). */
  successes: number;
  failures: number;
}

export const SELECTORS = ['champion', 'score-child', 'thompson'] as const;
export type Selector = (typeof SELECTORS)[number];

/** score-child weight: sigmoid(10 (score - midpoint)) / (1 + children). */
export function scoreChildWeight(score: number, midpoint: number, children: number): number {
  return 1 / (1 + Math.exp(-10 * (score - midpoint))) / (1 + children);
}

/** A draw from Beta(a, b) via two gamma draws (Marsaglia-Tsang), from a seeded source. */
export function betaSample(a: number, b: number, rand: () => number): number {
  const gamma = (k: number): number => {
    if (k < 1) return gamma(k + 1) * rand() ** (1 / k);
    const d = k - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        const u1 = rand() || 1e-12;
        x = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * rand());
        v = 1 + c * x;
      } while (v <= 0);
      v = v ** 3;
      const u = rand();
      if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  };
  const x = gamma(a);
  return x / (x + gamma(b));
}

export function selectParent(strategy: Selector, nodes: NodeStats[], champion: string, seed = 1): string {
  const scored = nodes.filter((n) => n.score !== null);
  if (strategy === 'champion' || scored.length === 0) return champion;
  const rand = seededRandom(seed);
  if (strategy === 'score-child') {
    const sorted = scored.map((n) => n.score!).sort((a, b) => a - b);
    const midpoint = sorted[Math.floor(sorted.length / 2)]!;
    const weights = scored.map((n) => scoreChildWeight(n.score!, midpoint, n.children));
    let r = rand() * weights.reduce((s, w) => s + w, 0);
    for (let i = 0; i < scored.length; i++) if ((r -= weights[i]!) <= 0) return scored[i]!.id;
    return scored.at(-1)!.id;
  }
  // thompson: Beta(1 + successes, 1 + failures) posterior per node; the highest draw wins.
  let best = champion;
  let bestDraw = -1;
  for (const n of scored) {
    const draw = betaSample(1 + n.successes, 1 + n.failures, rand);
    if (draw > bestDraw) [best, bestDraw] = [n.id, draw];
  }
  return best;
}

/**
 * selectParent over the nodes that still have an untried one-change variant. When the strategy's pick has none left
 * (under `champion`, once every variant of the champion was tried) the generation grows from the best-scoring open
 * node instead (fewer children first), so a long run keeps searching rather than proposing nothing.
 */
export function selectOpenParent(
  strategy: Selector,
  nodes: NodeStats[],
  champion: string,
  seed: number,
  isOpen: (id: string) => boolean,
): { id: string; fallback: boolean } {
  const open = nodes.filter((n) => isOpen(n.id));
  const pick = selectParent(strategy, open, champion, seed);
  if (open.some((n) => n.id === pick)) return { id: pick, fallback: false };
  const best = open
    .filter((n) => n.score !== null)
    .sort((a, b) => b.score! - a.score! || a.children - b.children || a.id.localeCompare(b.id))[0];
  return best ? { id: best.id, fallback: true } : { id: champion, fallback: false };
}
