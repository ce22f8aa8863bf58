import type { Db } from './db/open.js';
import { championRows } from './db/repos/decisions.js';
import { doneGenerations } from './db/repos/generations.js';

// The champion at the end of each generation (generation 0: the root), with its score: the line `status` and `tree`
// draw as a sparkline and the report plots per replicate.

export interface ChampionPoint {
  generation: number;
  champion: string;
  score: number | null;
  /** When the generation finished (the root's point: when the first generation started, or now). */
  at: string;
}

export async function championHistory(db: Db): Promise<ChampionPoint[]> {
  const champions = await championRows(db);
  if (champions.length === 0) return [];
  const gens = await doneGenerations(db);
  const at = (t: string) => {
    let c = champions[0]!;
    for (const x of champions) if (x.since <= t) c = x;
    return c;
  };
  const start = gens[0]?.started_at ?? new Date().toISOString();
  const root = at(start);
  return [
    { generation: 0, champion: root.id, score: root.score, at: start },
    ...gens.map((g, i) => {
      const c = at(g.finished_at ?? start);
      return { generation: i + 1, champion: c.id, score: c.score, at: g.finished_at ?? start };
    }),
  ];
}

const BARS = '▁▂▃▄▅▆▇█';

/** One bar per generation on a fixed 0..1 scale (so two lineages' sparklines compare); a blank for no score. */
export function sparkline(scores: Array<number | null>): string {
  return scores.map((s) => (s === null ? ' ' : BARS[Math.max(0, Math.min(7, Math.round(s * 7)))]!)).join('');
}
