import type { Db } from '../open.js';
import { now } from '../open.js';
import type { Decision, ExperimentStatus } from '../schema.js';
import { moveStatus } from './experiments.js';

// The decisions table and the champions they make: a decision and its effect on the champion and the experiment's
// status are written together, or not at all.

export type DecisionAction = Decision['action'];

/** The status an action moves its experiment to; the others (keep, explore, confirm, ...) leave it. */
const STATUS_OF: Partial<Record<DecisionAction, ExperimentStatus>> = {
  promote: 'promoted',
  retire: 'retired',
  reject: 'rejected',
  fail: 'failed',
};

/** The current champion's id (the newest champions row), or null in an empty workspace. */
export async function championId(db: Db): Promise<string | null> {
  const row = await db
    .selectFrom('champions')
    .select('experiment_id')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.experiment_id ?? null;
}

/**
 * Records a decision (and its effect on the champion and the experiment's status) in one transaction. A rule's
 * decision within a generation is recorded once: with `generation`, a second call for the same experiment and step
 * (the held-out check, or the decision itself) returns the first one's id and changes nothing, so a generation
 * resumed after a kill, or decided by two processes, never records twice. The status the action moves the experiment
 * to is written with it; a move its status does not allow (STATUS_MOVES in ./experiments.ts) throws and records nothing.
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
    /** What the experiment's record says was learned, written with the status the action moves it to. */
    learned?: string;
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
    const status = STATUS_OF[d.action];
    if (status) await moveStatus(trx, d.experimentId, status, d.learned !== undefined ? { learned: d.learned } : {});
    if (d.action === 'promote')
      await trx
        .insertInto('champions')
        .values({ experiment_id: d.experimentId, decision_id: id, since: now() })
        .execute();
    return id;
  });
}

/** The experiment's newest decision, if any. */
export function latestDecision(db: Db, experimentId: string): Promise<Decision | undefined> {
  return db
    .selectFrom('decisions')
    .selectAll()
    .where('experiment_id', '=', experimentId)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Every champion in the order they became one, with when and the experiment's score. */
export function championRows(db: Db): Promise<Array<{ id: string; since: string; score: number | null }>> {
  return db
    .selectFrom('champions')
    .innerJoin('experiments', 'experiments.id', 'champions.experiment_id')
    .select(['champions.experiment_id as id', 'champions.since as since', 'experiments.score as score'])
    .orderBy('champions.id')
    .execute();
}

/** An experiment's decisions, oldest first. */
export function decisionsOf(db: Db, experimentId: string): Promise<Decision[]> {
  return db.selectFrom('decisions').selectAll().where('experiment_id', '=', experimentId).orderBy('id').execute();
}

/** Decisions, oldest first: of the experiments named, with an action, by an actor (each filter when given). */
export function listDecisions(
  db: Db,
  filter: { ids?: readonly string[]; action?: DecisionAction; actor?: Decision['actor'] } = {},
): Promise<Decision[]> {
  if (filter.ids?.length === 0) return Promise.resolve([]);
  let query = db.selectFrom('decisions').selectAll().orderBy('id');
  if (filter.ids) query = query.where('experiment_id', 'in', filter.ids);
  if (filter.action) query = query.where('action', '=', filter.action);
  if (filter.actor) query = query.where('actor', '=', filter.actor);
  return query.execute();
}

/**
 * Every rule's `decide` decision in order, with its generation's config and its experiment's status: what decides
 * which children stay open for a later look (lineage/pooled-evidence.ts).
 */
export function ruleDecisionsWithContext(
  db: Db,
): Promise<Array<Pick<Decision, 'id' | 'experiment_id' | 'action' | 'details'> & { config: string; status: string }>> {
  return db
    .selectFrom('decisions')
    .innerJoin('generations', 'generations.id', 'decisions.generation_id')
    .innerJoin('experiments', 'experiments.id', 'decisions.experiment_id')
    .select([
      'decisions.id',
      'decisions.experiment_id',
      'decisions.action',
      'decisions.details',
      'generations.config',
      'experiments.status',
    ])
    .where('decisions.step', '=', 'decide')
    .where('decisions.actor', '=', 'rule')
    .orderBy('decisions.id')
    .execute();
}
