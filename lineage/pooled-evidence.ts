import type { Db } from './db/open.js';
import { ruleDecisionsWithContext } from './db/repos/decisions.js';
import { generationConfigs, readGenerationConfig } from './db/repos/generations.js';
import { type KeepOpen, staysOpen } from './more-evidence.js';

// Evidence pooled across generations (lineage.reoffer, lineage.maxLooks). A one-change child that looked better but
// was inconclusive used to be tried once and never offered again, so most real improvements of a few points were
// lost to one noisy look. Now such a child stays open against its champion: a later generation re-offers it (the same
// experiment, its runs kept, the champion's too) one look higher, at double the repeats, before proposing new
// children. Its level at each look is its share of its own generation's level, spent over its looks (childLevel), so
// re-offering never spends more than that generation had. A child closes when it is promoted, refuted, reaches the
// last look, or its champion is replaced, and (lineage.keepOpen 'looked-better') when it no longer looks better.

export interface OpenChild {
  id: string;
  /** Its last decision's one-sided p (the most promising is re-offered first). */
  p: number;
  /** Finished repeats per train task it has (its next look doubles them). */
  repeats: number;
}

interface DecideDetails {
  diff?: number;
  n?: number;
  test?: { p?: number };
  look?: number;
  repeats?: number;
  family?: number;
  /** Looks in its ladder when decided; 0 = one look at its whole level (a deterministic actor), so never re-offered. */
  ladder?: number;
}

/** Children compared with `champion` whose latest decision kept them open (kept, not refuted, staysOpen), most
 * promising first. */
export async function openChildren(
  db: Db,
  champion: string,
  o: { maxLooks: number; baseRepeats: number; margin: number; keepOpen: KeepOpen },
): Promise<OpenChild[]> {
  const rows = await ruleDecisionsWithContext(db);
  const latest = new Map<string, (typeof rows)[number]>();
  for (const r of rows) latest.set(r.experiment_id, r);
  const out: OpenChild[] = [];
  for (const r of latest.values()) {
    if (r.action !== 'keep' || r.status !== 'evaluated' || r.experiment_id === champion) continue;
    if (readGenerationConfig(r.config).champion !== champion) continue;
    const d = JSON.parse(r.details) as DecideDetails;
    // Decided at one look with its whole level (a deterministic actor): it has no later look to spend.
    if (d.ladder === 0) continue;
    const repeats = d.repeats ?? o.baseRepeats;
    if (typeof d.diff !== 'number' || typeof d.n !== 'number') continue;
    if (!staysOpen({ diff: d.diff, n: d.n, repeats, family: d.family ?? 1 }, o)) continue;
    out.push({ id: r.experiment_id, p: d.test?.p ?? 1, repeats });
  }
  return out.sort((a, b) => a.p - b.p || a.id.localeCompare(b.id));
}

/** How many new children each of these generations proposed (their share of its level), by generation id. */
export async function familySizes(db: Db, generations: number[]): Promise<Map<number, number>> {
  if (generations.length === 0) return new Map();
  const configs = await generationConfigs(db, generations);
  return new Map([...configs].map(([id, c]) => [id, Math.max(1, c.family ?? c.children.length)]));
}
