import { canonicalJson, type Genome, POLICY_SLOTS, type PolicySlot } from '../agent/genome.js';
import { listPolicies } from '../agent/policies/registry.js';
import type { Proposal } from './proposers.js';

// Remembering what each change did (lineage.order 'evidence'). The systematic proposer walks a parent's one-change
// variants in a fixed order, so after a promotion the new champion starts again at the first slot, and a change that
// looked better from the old champion (inconclusive, then closed when the champion changed) waits its turn behind
// every untried one. Here each one-change child ever scored is evidence about its change (the same part, from the same
// value to the same value, on whatever parent): its score minus its parent's. A parent's untried variants are offered
// in order of that evidence: changes that looked better first (best first), then changes never scored (in the
// proposer's own order), then changes that looked no better. The undo of a change counts against it. Only the order
// changes: which variants exist, the one-change rule and every decision are as before. Pure, so the product
// (lineage/fixed-proposer.ts) and bench/search order from the same function.

/** A slot's choice with its policy's defaults filled in, so `terse{}` and `terse{<its defaults>}` are one choice. */
function choiceOf(slot: PolicySlot, g: Genome): string {
  const info = listPolicies(slot).find((p) => p.name === g[slot].name);
  return canonicalJson({ name: g[slot].name, params: { ...info?.defaults, ...g[slot].params } });
}

/** The change from `parent` to `child` as a key (part, from, to); null unless they differ in exactly one part. */
export function changeKey(parent: Genome, child: Genome): { key: string; undo: string } | null {
  const parts: Array<[string, unknown, unknown]> = [];
  if (parent.model !== child.model) parts.push(['model', parent.model, child.model]);
  for (const slot of POLICY_SLOTS) {
    const [from, to] = [choiceOf(slot, parent), choiceOf(slot, child)];
    if (from !== to) parts.push([slot, from, to]);
  }
  const budgets = new Set([...Object.keys(parent.budgets), ...Object.keys(child.budgets)]);
  for (const b of budgets) {
    const [from, to] = [(parent.budgets as Record<string, unknown>)[b], (child.budgets as Record<string, unknown>)[b]];
    if (from !== to) parts.push([`budgets.${b}`, from, to]);
  }
  if (parts.length !== 1) return null;
  const [path, from, to] = parts[0]!;
  const json = (v: unknown) => (v === undefined ? 'unset' : canonicalJson(v));
  return { key: `${path} ${json(from)} -> ${json(to)}`, undo: `${path} ${json(to)} -> ${json(from)}` };
}

/** One scored one-change child: its change's key (changeKey) and its score minus its parent's. */
export interface ChangeObservation {
  key: string;
  undo: string;
  gain: number;
}

/** The mean gain each change was seen to make (an undo's gain counted negated), by change key. */
export function evidenceByChange(observations: Iterable<ChangeObservation>): Map<string, number> {
  const sums = new Map<string, { sum: number; n: number }>();
  const add = (key: string, gain: number) => {
    const s = sums.get(key) ?? { sum: 0, n: 0 };
    sums.set(key, { sum: s.sum + gain, n: s.n + 1 });
  };
  for (const o of observations) {
    add(o.key, o.gain);
    add(o.undo, -o.gain);
  }
  return new Map([...sums].map(([k, s]) => [k, s.sum / s.n]));
}

/** `proposals` (one change each from `parent`) reordered by the evidence: looked better (best first), never scored
 * (order kept), looked no better (least bad first). Stable, so ties keep the proposer's order. */
export function orderByEvidence(
  parent: Genome,
  proposals: Proposal[],
  evidence: ReadonlyMap<string, number>,
): Proposal[] {
  const rank = (p: Proposal): [number, number] => {
    const key = changeKey(parent, p.genome)?.key;
    const gain = key === undefined ? undefined : evidence.get(key);
    if (gain === undefined) return [1, 0];
    return gain > 0 ? [0, -gain] : [2, -gain];
  };
  const ranked = proposals.map((p, i) => ({ p, i, r: rank(p) }));
  ranked.sort((a, b) => a.r[0] - b.r[0] || a.r[1] - b.r[1] || a.i - b.i);
  return ranked.map((x) => x.p);
}
