import { genomeHash } from '../agent/genome.js';
import { combinedProposals } from './combine.js';
import type { Db } from './db/open.js';
import type { Experiment } from './db/schema.js';
import { parseGenome } from './experiments.js';
import type { LineageProposer } from './proposer-registry.js';
import { type FixedProposerName, type Proposal, propose } from './proposers.js';

// The proposers that need no model: systematic and random (lineage/proposers.ts), after the combinations of what
// looked better when lineage.combine asks for them.

/** The systematic or random proposer's children, after the combinations of what looked better when asked for. */
async function fixedProposals(
  db: Db,
  parent: Experiment,
  proposer: FixedProposerName,
  ctx: { k: number; tried: Set<string>; seed: number },
  combine: boolean,
): Promise<{ proposals: Proposal[]; proposer: string; authoredBy: null; note: string | null }> {
  const combined = combine ? (await combinedProposals(db, parent, ctx.tried)).slice(0, ctx.k) : [];
  const tried = new Set([...ctx.tried, ...combined.map((p) => genomeHash(p.genome))]);
  const rest = propose(proposer, parseGenome(parent), { k: ctx.k - combined.length, tried, seed: ctx.seed });
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
      fixedProposals(ctx.ws.db, ctx.parent, name, ctx, ctx.options.combine ?? ctx.ws.config.lineage.combine),
  };
}
