import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { diffGenomes } from '../agent/genome-diff.js';
import { Genome, genomeHash } from '../agent/genome.js';
import { type Authorship, proposerAuthorship } from './authorship.js';
import { EVOLVE_ROOT } from './code-variant/agent-repo.js';
import type { Db } from './db/open.js';
import { insertRoot, insertWithFreeId } from './db/repos/experiments.js';
import { now } from './db/open.js';
import type { Experiment } from './db/schema.js';

// Experiments: ids (exp-01 heads, exp-01-a children, exp-01-a-b below), the one change each child makes, the root.

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/** `exp-23` + 0 -> `exp-23-a`, 25 -> `exp-23-z`, 26 -> `exp-23-aa`. */
export function childId(parentId: string, index: number): string {
  let suffix = '';
  let n = index;
  do {
    suffix = LETTERS[n % 26] + suffix;
    n = Math.floor(n / 26) - 1;
  } while (n >= 0);
  return `${parentId}-${suffix}`;
}

export function parseGenome(e: Pick<Experiment, 'id' | 'genome'>): Genome {
  const parsed = Genome.safeParse(JSON.parse(e.genome));
  if (!parsed.success)
    throw Object.assign(
      new Error(
        `experiment ${e.id} has an invalid genome: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`,
      ),
      { hint: `Fix experiments/${e.id}/genome.json or retire the experiment.` },
    );
  return parsed.data;
}

export interface NewChild {
  parent: Experiment;
  genome: Genome;
  hypothesis: string;
  proposer: string;
  generation: number;
  seed?: number;
  authoredBy?: string;
  /** Who wrote it (default: the proposer named by `proposer`). */
  authorship?: Authorship;
  /** 2 for a combination of two children that each looked better (lineage/combine.ts); otherwise one change. */
  maxChanges?: 1 | 2;
}

/** Inserts a child with the next free letter, in one transaction so concurrent proposers never share an id. */
export async function insertChild(db: Db, c: NewChild): Promise<Experiment> {
  const changes = diffGenomes(parseGenome(c.parent), c.genome);
  if (changes.length < 1 || changes.length > (c.maxChanges ?? 1))
    throw new Error(
      `a child must change exactly ${c.maxChanges === 2 ? 'one or two things (a combination)' : 'one thing'}; this one changes ${changes.length}: ${changes.map((x) => x.text).join('; ')}`,
    );
  return insertWithFreeId(
    db,
    c.parent.id,
    (n) => childId(c.parent.id, n),
    (id) => ({
      id,
      parent_id: c.parent.id,
      generation: c.generation,
      genome: JSON.stringify(c.genome),
      genome_hash: genomeHash(c.genome),
      change: JSON.stringify({
        kind: 'genome',
        ...changes[0],
        ...(changes.length > 1 ? { also: changes.slice(1) } : {}),
      }),
      change_summary: changes.map((x) => x.text).join('; '),
      hypothesis: c.hypothesis,
      status: 'proposed',
      proposer: c.proposer,
      authored_by: c.authoredBy ?? null,
      authorship: JSON.stringify(c.authorship ?? proposerAuthorship(c.proposer)),
      branch: null,
      seed: c.seed ?? null,
      verdict: null,
      learned: null,
      score: null,
      score_lo: null,
      score_hi: null,
      cost_usd: null,
      flags: '[]',
      created_at: now(),
      finished_at: null,
    }),
  );
}

/** The baseline genome shipped in experiments/exp-01 of this repository. */
export function baselineGenome(): Genome {
  const file = join(EVOLVE_ROOT, 'experiments', 'exp-01', 'genome.json');
  return Genome.parse(JSON.parse(readFileSync(file, 'utf8')));
}

/** Seeds exp-01 as the root and first champion of an empty workspace; does nothing when a root exists. */
export async function seedRoot(db: Db, genome: Genome = baselineGenome()): Promise<boolean> {
  return insertRoot(db, {
    id: 'exp-01',
    parent_id: null,
    generation: 0,
    genome: JSON.stringify(genome),
    genome_hash: genomeHash(genome),
    change: JSON.stringify({ kind: 'root' }),
    change_summary: 'root: the baseline genome',
    hypothesis:
      'The baseline agent (experiments/exp-01 of the evolve repository) solves a measurable share of the suite; every later experiment is compared with it.',
    status: 'proposed',
    proposer: null,
    authored_by: null,
    authorship: JSON.stringify({ kind: 'person', via: 'evolve init' } satisfies Authorship),
    branch: 'exp-01',
    seed: null,
    verdict: null,
    learned: null,
    score: null,
    score_lo: null,
    score_hi: null,
    cost_usd: null,
    flags: '[]',
    created_at: now(),
    finished_at: null,
  });
}
