import { type Genome, genomeHash } from '../agent/genome.js';
import { diffGenomes, type GenomeChange } from '../agent/genome-diff.js';
import type { Db } from './db/open.js';
import { parseGenome } from './experiments.js';
import type { Experiment, ExperimentStatus } from './db/schema.js';
import type { Proposal } from './proposers.js';
import { childrenOf, getExperiment } from './db/repos/experiments.js';

// Combining what looked better (lineage.combine, `--combine`): one-change children test one idea each, but a
// good genome is often several changes away, and an inconclusive child is never offered again. Before the
// fixed proposer's candidates, a generation offers
//   - the changes of the parent's kept siblings that scored above their parent, re-applied onto the parent (one
//     change from it: after a promotion, the runners-up get their turn on the new champion);
//   - two-change children: pairs of the parent's own kept children that each scored above it, both changes at once.
// combineFrom is pure (bench/search calls it on its in-memory lineage); combinedProposals reads the database.

export function applyChange(genome: Genome, change: GenomeChange): Genome {
  const g = structuredClone(genome);
  if (change.path === 'model') g.model = change.to as string;
  else if (change.path.startsWith('budgets.'))
    (g.budgets as Record<string, unknown>)[change.path.slice('budgets.'.length)] = change.to;
  else (g as Record<string, unknown>)[change.path] = structuredClone(change.to);
  return g;
}

/** What combining reads of an experiment. */
export interface CombineNode {
  id: string;
  genome: Genome;
  status: ExperimentStatus;
  score: number | null;
}

const lookedBetter = (child: CombineNode, parent: CombineNode) =>
  child.status === 'evaluated' && child.score !== null && parent.score !== null && child.score > parent.score;

/** The combinations for `parent`: its grandparent's children (`siblings`, the parent among them or not) and its own
 * `children`; none whose genome is in `tried`. */
export function combineFrom(
  parent: CombineNode,
  family: { grand: CombineNode | null; siblings: CombineNode[]; children: CombineNode[] },
  tried: ReadonlySet<string>,
): Proposal[] {
  const base = parent.genome;
  const out: Proposal[] = [];
  const offer = (genome: Genome, hypothesis: string, combined?: true) => {
    const hash = genomeHash(genome);
    if (tried.has(hash) || out.some((p) => genomeHash(p.genome) === hash)) return;
    out.push({ genome, hypothesis, ...(combined ? { combined } : {}) });
  };
  const { grand } = family;
  if (grand) {
    for (const sib of family.siblings) {
      if (sib.id === parent.id || !lookedBetter(sib, grand)) continue;
      const [change, ...more] = diffGenomes(grand.genome, sib.genome);
      if (!change || more.length > 0) continue;
      const genome = applyChange(base, change);
      if (diffGenomes(base, genome).length !== 1) continue;
      offer(
        genome,
        `${sib.id} (${change.text}) scored above ${grand.id}; the same change on ${parent.id} should add to what ${parent.id} gained.`,
      );
    }
  }
  const kept = family.children.filter((c) => lookedBetter(c, parent));
  kept.sort((a, b) => (b.score ?? 0) - (a.score ?? 0) || a.id.localeCompare(b.id));
  for (let i = 0; i < kept.length; i++) {
    for (let j = i + 1; j < kept.length; j++) {
      const [a, b] = [kept[i]!, kept[j]!];
      const [ca, ...moreA] = diffGenomes(base, a.genome);
      const [cb, ...moreB] = diffGenomes(base, b.genome);
      if (!ca || !cb || moreA.length || moreB.length || ca.path === cb.path) continue;
      offer(
        applyChange(applyChange(base, ca), cb),
        `${a.id} (${ca.text}) and ${b.id} (${cb.text}) each scored above ${parent.id} without clearing the rule; together they may.`,
        true,
      );
    }
  }
  return out;
}

const node = (e: Experiment): CombineNode => ({ id: e.id, genome: parseGenome(e), status: e.status, score: e.score });

export async function combinedProposals(db: Db, parent: Experiment, tried: Set<string>): Promise<Proposal[]> {
  const grand = parent.parent_id ? await getExperiment(db, parent.parent_id) : null;
  return combineFrom(
    node(parent),
    {
      grand: grand ? node(grand) : null,
      siblings: grand ? (await childrenOf(db, grand.id)).map(node) : [],
      children: (await childrenOf(db, parent.id)).map(node),
    },
    tried,
  );
}
