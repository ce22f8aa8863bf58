import { z } from 'zod';
import type { Experiment } from './db/schema.js';

// Who wrote an experiment, as a chain the lineage can be read by: a person (the root, or a person's own change), a
// proposer (systematic, random, or a model proposer and its model), or an agent of the lineage (the champion
// authoring children, an experiment repairing itself) at the commit of its code, with its model, writing code or
// genome children. Stored on the experiment (migration 0008); older rows are read from `proposer` / `authored_by`.

export const Authorship = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('person'), via: z.string().optional() }),
  z.strictObject({ kind: z.literal('proposer'), proposer: z.string(), model: z.string().optional() }),
  z.strictObject({
    kind: z.literal('agent'),
    /** The experiment whose agent wrote it, its role then, and its code (a commit, or `installed`). */
    experiment: z.string(),
    role: z.enum(['champion', 'self-repair']),
    commit: z.string(),
    model: z.string(),
    writes: z.enum(['code', 'genome']),
  }),
]);
export type Authorship = z.infer<typeof Authorship>;

/** From a proposer name as children record it: `systematic`, `random+combine`, `model:<name>`, `author:<id>`. */
export function proposerAuthorship(proposer: string): Authorship {
  if (proposer.startsWith('model:')) return { kind: 'proposer', proposer: 'model', model: proposer.slice(6) };
  return { kind: 'proposer', proposer };
}

export function authorshipOf(
  row: Pick<Experiment, 'parent_id' | 'proposer' | 'authored_by' | 'authorship'>,
): Authorship {
  if (row.authorship) {
    const parsed = Authorship.safeParse(JSON.parse(row.authorship));
    if (parsed.success) return parsed.data;
  }
  // Rows from before 0008: what the two older columns say.
  if (row.parent_id === null) return { kind: 'person', via: 'evolve init' };
  if (row.proposer === 'self-repair' && row.authored_by)
    return {
      kind: 'agent',
      experiment: row.authored_by,
      role: 'self-repair',
      commit: 'unknown',
      model: 'unknown',
      writes: 'code',
    };
  if (row.authored_by)
    return {
      kind: 'agent',
      experiment: row.authored_by,
      role: 'champion',
      commit: 'unknown',
      model: 'unknown',
      writes: 'genome',
    };
  return row.proposer ? proposerAuthorship(row.proposer) : { kind: 'person' };
}

const short = (commit: string) => (/^[0-9a-f]{40}$/.test(commit) ? commit.slice(0, 10) : commit);

/** One line: "person (evolve init)", "proposer systematic", "proposer model (gpt-x)", "champion exp-03 @ 1a2b3c4d5e (gpt-x), code". */
export function describeAuthorship(a: Authorship): string {
  switch (a.kind) {
    case 'person':
      return `person${a.via ? ` (${a.via})` : ''}`;
    case 'proposer':
      return `proposer ${a.proposer}${a.model ? ` (${a.model})` : ''}`;
    case 'agent':
      return `${a.role === 'champion' ? 'champion' : 'self-repair by'} ${a.experiment} @ ${short(a.commit)} (${a.model}), ${a.writes}`;
  }
}

/** The group an improvement is credited to in a split by author: person, a proposer, or the champion by what it wrote. */
export function authorGroup(a: Authorship): string {
  if (a.kind === 'person') return 'person';
  if (a.kind === 'proposer') return `proposer:${a.proposer.replace(/\+combine$/, '')}`;
  return a.role === 'champion' ? `champion:${a.writes}` : 'self-repair';
}
