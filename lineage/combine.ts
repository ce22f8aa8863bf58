import { type Genome, genomeHash } from '../agent/genome.js';
import { diffGenomes, type GenomeChange } from '../agent/genome-diff.js';
import type { Db } from './db/open.js';
import { parseGenome } from './experiments.js';
import type { Experiment } from './db/schema.js';
import type { Proposal } from './proposers.js';
import { childrenOf, getExperiment } from './db/repos/experiments.js';

// Combining what looked better (lineage.combine, `--combine`): one-change children test one idea each, but a
// good genome is often several changes away, and an inconclusive child is never offered again. Before the
// fixed proposer's candidates, a generation offers
//   - the changes of the parent's kept siblings that scored above their parent, re-applied onto the parent (one
//     change from it: after a promotion, the runners-up get their turn on the new champion);
//   - two-change children: pairs of the parent's own kept children that each scored above it, both changes at once.

export function applyChange(genome: Genome, change: GenomeChange): Genome {
  const g = structuredClone(genome);
  if (change.path === 'model') g.model = change.to as string;
  else if (change.path.startsWith('budgets.'))
    (g.budgets as Record<string, unknown>)[change.path.slice('budgets.'.length)] = change.to;
  else (g as Record<string, unknown>)[change.path] = structuredClone(change.to);
  return g;
}

const lookedBetter = (child: Experiment, parent: Experiment) =>
  child.status === 'evaluated' && child.score !== null && parent.score !== null && child.score > parent.score;

export async function combinedProposals(db: Db, parent: Experiment, tried: Set<string>): Promise<Proposal[]> {
  const base = parseGenome(parent);
  const out: Proposal[] = [];
  const offer = (genome: Genome, hypothesis: string) => {
    const hash = genomeHash(genome);
    if (tried.has(hash) || out.some((p) => genomeHash(p.genome) === hash)) return;
    out.push({ genome, hypothesis });
  };
  const offerCombined = (genome: Genome, hypothesis: string) => {
    offer(genome, hypothesis);
    const last = out.at(-1);
    if (last && last.genome === genome) last.combined = true;
  };
  if (parent.parent_id) {
    const grand = await getExperiment(db, parent.parent_id);
    for (const sib of await childrenOf(db, grand.id)) {
      if (sib.id === parent.id || !lookedBetter(sib, grand)) continue;
      const [change, ...more] = diffGenomes(parseGenome(grand), parseGenome(sib));
      if (!change || more.length > 0) continue;
      const genome = applyChange(base, change);
      if (diffGenomes(base, genome).length !== 1) continue;
      offer(
        genome,
        `${sib.id} (${change.text}) scored above ${grand.id}; the same change on ${parent.id} should add to what ${parent.id} gained.`,
      );
    }
  }
  const kept = (await childrenOf(db, parent.id)).filter((c) => lookedBetter(c, parent));
  kept.sort((a, b) => (b.score ?? 0) - (a.score ?? 0));
  for (let i = 0; i < kept.length; i++) {
    for (let j = i + 1; j < kept.length; j++) {
      const [a, b] = [kept[i]!, kept[j]!];
      const [ca] = diffGenomes(base, parseGenome(a));
      const [cb] = diffGenomes(base, parseGenome(b));
      if (!ca || !cb || ca.path === cb.path) continue;
      offerCombined(
        applyChange(applyChange(base, ca), cb),
        `${a.id} (${ca.text}) and ${b.id} (${cb.text}) each scored above ${parent.id} without clearing the rule; together they may.`,
      );
    }
  }
  return out;
}
