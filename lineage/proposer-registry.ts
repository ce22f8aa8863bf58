import type { Experiment } from './db/schema.js';
import type { AuthoredChildren, GenerationOptions } from './next-generation.js';
import type { Workspace } from './workspace.js';

// The proposers a generation can ask for its children (lineage.proposer, --proposer). To add one: a file exporting
// a LineageProposer, and one line here. Entries load their module when used, so this file imports no proposer and
// the config can read the names without loading any (the champion as author is --author, not a proposer).

export interface ProposeContext {
  ws: Workspace;
  parent: Experiment;
  champion: string;
  /** How many children are wanted. */
  k: number;
  /** Genome hashes already tried from this parent: never proposed twice. */
  tried: Set<string>;
  seed: number;
  generation: number;
  options: GenerationOptions;
}

export interface LineageProposer {
  propose(ctx: ProposeContext): Promise<AuthoredChildren>;
  /** What the generation row records about how proposing went (merged into its config). */
  record?(authored: AuthoredChildren): Record<string, unknown>;
}

const entry = (description: string, load: () => Promise<LineageProposer>) => ({ description, load });

export const PROPOSER_REGISTRY = {
  systematic: entry('every one-change variant of the parent in a fixed order; needs no model', () =>
    import('./fixed-proposer.js').then((m) => m.fixedProposer('systematic')),
  ),
  random: entry('the same candidates in a seeded random order: the baseline smarter proposers must beat', () =>
    import('./fixed-proposer.js').then((m) => m.fixedProposer('random')),
  ),
  model: entry('a model proposes from evolve context and the raw material; systematic when it cannot', () =>
    import('./model-proposer.js').then((m) => m.modelProposer),
  ),
};

export type ProposerName = keyof typeof PROPOSER_REGISTRY;
export const PROPOSERS = Object.keys(PROPOSER_REGISTRY) as [ProposerName, ...ProposerName[]];

export function proposerNamed(name: ProposerName): Promise<LineageProposer> {
  const found = PROPOSER_REGISTRY[name];
  if (!found) throw new Error(`no proposer "${name}" (known: ${PROPOSERS.join(', ')})`);
  return found.load();
}
