import type { Selectable } from 'kysely';
import type { Db } from '../open.js';
import type { Database } from '../schema.js';

// The evaluations table's reads (its writes are the RunStore's, ./run-store.ts): an experiment's evaluations, the
// newest one, and those running now.

export type Evaluation = Selectable<Database['evaluations']>;

/** The experiments' evaluations (one experiment: a string), oldest first. */
export function evaluationsOf(db: Db, experiments: string | readonly string[]): Promise<Evaluation[]> {
  const ids = typeof experiments === 'string' ? [experiments] : experiments;
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('evaluations').selectAll().where('experiment_id', 'in', ids).orderBy('id').execute();
}

/** The experiment's newest evaluation, if any. */
export function latestEvaluation(db: Db, experimentId: string): Promise<Evaluation | undefined> {
  return db
    .selectFrom('evaluations')
    .selectAll()
    .where('experiment_id', '=', experimentId)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** The experiments with an evaluation marked running. */
export async function experimentsBeingEvaluated(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('evaluations').select('experiment_id').where('status', '=', 'running').execute();
  return rows.map((r) => r.experiment_id);
}
