import { canonicalJson, type Genome, genomeHash, POLICY_SLOTS } from '../agent/genome.js';
import { formatChoice } from '../agent/genome-diff.js';
import { listPolicies } from '../agent/policies/registry.js';
import { seededRandom } from '../evaluator/stats/index.js';
import { orderByEvidence } from './change-evidence.js';

// Proposers turn a parent genome into one-change children, each with a hypothesis written before it runs.
// `systematic` walks every registered alternative and parameter step in a fixed order; `random` draws from the
// same candidates with a recorded seed (the baseline smarter proposers must beat). Neither needs a model; the
// `model` proposer (lineage/model-proposer.ts) asks one and falls back to `systematic` when it cannot.

export interface Proposal {
  genome: Genome;
  hypothesis: string;
  /** Two changes at once (lineage/combine.ts): allowed only for combinations of children that looked better. */
  combined?: boolean;
}

/** Every genome one step from the parent: another policy in a slot (its defaults), or a parameter step of the current one. */
export function oneChangeCandidates(parent: Genome): Proposal[] {
  const out: Proposal[] = [];
  for (const slot of POLICY_SLOTS) {
    const current = parent[slot];
    for (const info of listPolicies(slot)) {
      if (info.name === current.name) {
        for (const step of info.paramSteps) {
          const params = { ...current.params, ...step };
          if (canonicalJson(params) === canonicalJson({ ...info.defaults, ...current.params })) continue;
          const to = { name: info.name, params };
          out.push({
            genome: { ...parent, [slot]: to },
            hypothesis: `Changing ${slot} ${formatChoice(current)} -> ${formatChoice(to)} tunes ${info.name}: ${info.description}`,
          });
        }
      } else {
        const to = { name: info.name, params: { ...info.defaults } };
        out.push({
          genome: { ...parent, [slot]: to },
          hypothesis: `Switching ${slot} from ${current.name} to ${info.name} raises the resolve rate: ${info.description}`,
        });
      }
    }
  }
  const steps = [Math.round(parent.budgets.steps * 1.5), Math.max(5, Math.round(parent.budgets.steps * 0.67))];
  for (const steps2 of steps) {
    if (steps2 !== parent.budgets.steps)
      out.push({
        genome: { ...parent, budgets: { ...parent.budgets, steps: steps2 } },
        hypothesis: `A step budget of ${steps2} instead of ${parent.budgets.steps} ${steps2 > parent.budgets.steps ? 'lets the agent finish tasks it runs out of steps on' : 'costs less without losing solved tasks'}.`,
      });
  }
  return out;
}

export interface ProposeOptions {
  k: number;
  /** Genome hashes already tried from this parent: never proposed twice. */
  tried: Set<string>;
  seed?: number;
  /** lineage.order 'evidence': the mean gain each change was seen to make (lineage/change-evidence.ts); the variants
   * are offered best-evidence first. Absent: the proposer's own order. */
  evidence?: ReadonlyMap<string, number>;
}

/** The proposers by name: lineage/proposer-registry.ts. These two need no model. */
export { PROPOSERS, type ProposerName } from './proposer-registry.js';
export type FixedProposerName = 'systematic' | 'random';

export function propose(name: FixedProposerName, parent: Genome, o: ProposeOptions): Proposal[] {
  const fresh = oneChangeCandidates(parent).filter((p) => !o.tried.has(genomeHash(p.genome)));
  if (name === 'random') {
    const rand = seededRandom(o.seed ?? 1);
    for (let i = fresh.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [fresh[i], fresh[j]] = [fresh[j]!, fresh[i]!];
    }
  }
  const ordered = o.evidence ? orderByEvidence(parent, fresh, o.evidence) : fresh;
  const seen = new Set<string>();
  return ordered.filter((p) => !seen.has(genomeHash(p.genome)) && seen.add(genomeHash(p.genome))).slice(0, o.k);
}
