import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { diffGenomes } from '../agent/genome-diff.js';
import { Genome, genomeHash } from '../agent/genome.js';
import { type Authorship, proposerAuthorship } from './authorship.js';
import { EVOLVE_ROOT } from './code-variant/agent-repo.js';
import type { Db } from './db/open.js';
import { now } from './db/open.js';
import type { Experiment, ExperimentStatus } from './db/schema.js';

// Experiments as rows: ids (exp-01 heads, exp-01-a children, exp-01-a-b below), the one change each child makes,
// and the champion history. Plain functions taking the database first.

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

export async function getExperiment(db: Db, id: string): Promise<Experiment> {
  const row = await db.selectFrom('experiments').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row)
    throw Object.assign(new Error(`no experiment ${id} in this workspace`), {
      hint: 'See `evolve tree` for the experiments here.',
    });
  return row;
}

export async function childrenOf(db: Db, parentId: string): Promise<Experiment[]> {
  return db.selectFrom('experiments').selectAll().where('parent_id', '=', parentId).orderBy('id').execute();
}

export async function championId(db: Db): Promise<string | null> {
  const row = await db
    .selectFrom('champions')
    .select('experiment_id')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.experiment_id ?? null;
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
  return db.transaction().execute(async (trx) => {
    const taken = new Set(
      (await trx.selectFrom('experiments').select('id').where('parent_id', '=', c.parent.id).execute()).map(
        (r) => r.id,
      ),
    );
    let index = 0;
    while (taken.has(childId(c.parent.id, index))) index++;
    const row = {
      id: childId(c.parent.id, index),
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
      status: 'proposed' as const,
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
    };
    await trx.insertInto('experiments').values(row).execute();
    return row;
  });
}

export async function setStatus(db: Db, id: string, status: ExperimentStatus): Promise<void> {
  await db
    .updateTable('experiments')
    .set({ status, ...(status === 'proposed' || status === 'evaluating' ? {} : { finished_at: now() }) })
    .where('id', '=', id)
    .execute();
}

export type DecisionAction =
  | 'promote'
  | 'keep'
  | 'retire'
  | 'reject'
  | 'explore'
  | 'confirm'
  | 'confirm_failed'
  | 'fail';

/**
 * Records a decision (and its effect on the champion and the experiment's status) in one transaction. A rule's
 * decision within a generation is recorded once: with `generation`, a second call for the same experiment and step
 * (the held-out check, or the decision itself) returns the first one's id and changes nothing, so a generation
 * resumed after a kill, or decided by two processes, never records twice.
 */
export async function recordDecision(
  db: Db,
  d: {
    experimentId: string;
    action: DecisionAction;
    rule: string;
    actor: 'rule' | 'person' | 'system';
    reason: string;
    details?: unknown;
    generation?: number;
  },
): Promise<number> {
  const step = d.action === 'confirm' || d.action === 'confirm_failed' ? 'confirm' : 'decide';
  return db.transaction().execute(async (trx) => {
    if (d.generation !== undefined) {
      const prior = await trx
        .selectFrom('decisions')
        .select('id')
        .where('generation_id', '=', d.generation)
        .where('experiment_id', '=', d.experimentId)
        .where('step', '=', step)
        .executeTakeFirst();
      if (prior) return prior.id;
    }
    const { id } = await trx
      .insertInto('decisions')
      .values({
        experiment_id: d.experimentId,
        action: d.action,
        rule: d.rule,
        actor: d.actor,
        reason: d.reason,
        details: JSON.stringify(d.details ?? {}),
        generation_id: d.generation ?? null,
        step: d.generation !== undefined ? step : null,
        created_at: now(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (d.action === 'promote') {
      await trx
        .insertInto('champions')
        .values({ experiment_id: d.experimentId, decision_id: id, since: now() })
        .execute();
      await trx.updateTable('experiments').set({ status: 'promoted' }).where('id', '=', d.experimentId).execute();
    }
    if (d.action === 'retire')
      await trx.updateTable('experiments').set({ status: 'retired' }).where('id', '=', d.experimentId).execute();
    return id;
  });
}

/** The baseline genome shipped in experiments/exp-01 of this repository. */
export function baselineGenome(): Genome {
  const file = join(EVOLVE_ROOT, 'experiments', 'exp-01', 'genome.json');
  return Genome.parse(JSON.parse(readFileSync(file, 'utf8')));
}

/** Seeds exp-01 as the root and first champion of an empty workspace; does nothing when a root exists. */
export async function seedRoot(db: Db, genome: Genome = baselineGenome()): Promise<boolean> {
  if (await db.selectFrom('experiments').select('id').where('id', '=', 'exp-01').executeTakeFirst()) return false;
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('experiments')
      .values({
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
      })
      .execute();
    await trx.insertInto('champions').values({ experiment_id: 'exp-01', decision_id: null, since: now() }).execute();
  });
  return true;
}
