import { genomeHash } from '../agent/genome.js';
import { type ChangeObservation, changeKey, evidenceByChange } from './change-evidence.js';
import { combinedProposals } from './combine.js';
import type { Db } from './db/open.js';
import { listExperiments } from './db/repos/experiments.js';
import type { Experiment } from './db/schema.js';
import { parseGenome } from './experiments.js';
import type { LineageProposer } from './proposer-registry.js';
import { type FixedProposerName, type Proposal, propose } from './proposers.js';

// The proposers that need no model: systematic and random (lineage/proposers.ts), after the combinations of what
// looked better when lineage.combine asks for them, in the order lineage.order asks for.

/** What every scored one-change child says about its change (lineage/change-evidence.ts), from the experiment rows. */
export async function changeEvidence(db: Db): Promise<Map<string, number>> {
  const exps = await listExperiments(db);
  const byId = new Map(exps.map((e) => [e.id, e]));
  const obs: ChangeObservation[] = [];
  for (const e of exps) {
    const parent = e.parent_id ? byId.get(e.parent_id) : undefined;
    if (!parent || e.score === null || parent.score === null) continue;
    const key = changeKey(parseGenome(parent), parseGenome(e));
    if (key) obs.push({ ...key, gain: e.score - parent.score });
  }
  return evidenceByChange(obs);
}

/** The systematic or random proposer's children, after the combinations of what looked better when asked for. */
async function fixedProposals(
  db: Db,
  parent: Experiment,
  proposer: FixedProposerName,
  ctx: { k: number; tried: Set<string>; seed: number },
  combine: boolean,
  order: 'fixed' | 'evidence',
): Promise<{ proposals: Proposal[]; proposer: string; authoredBy: null; note: string | null }> {
  const combined = combine ? (await combinedProposals(db, parent, ctx.tried)).slice(0, ctx.k) : [];
  const tried = new Set([...ctx.tried, ...combined.map((p) => genomeHash(p.genome))]);
  const rest = propose(proposer, parseGenome(parent), {
    k: ctx.k - combined.length,
    tried,
    seed: ctx.seed,
    ...(order === 'evidence' ? { evidence: await changeEvidence(db) } : {}),
  });
  return {
    proposals: [...combined, ...rest],
    proposer: combined.length > 0 ? `${proposer}+combine` : proposer,
    authoredBy: null,
    note: combined.length > 0 ? `combining what looked better: ${combined.length} of ${ctx.k} children` : null,
  };
}

export function fixedProposer(name: FixedProposerName): LineageProposer {
  return {
    propose: (ctx) =>
      fixedProposals(
        ctx.ws.db,
        ctx.parent,
        name,
        ctx,
        ctx.options.combine ?? ctx.ws.config.lineage.combine,
        ctx.options.order ?? ctx.ws.config.lineage.order,
      ),
  };
}
