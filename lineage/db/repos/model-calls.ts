import type { Insertable, Selectable } from 'kysely';
import { sql } from 'kysely';
import type { Db } from '../open.js';
import type { Database } from '../schema.js';

// The model_calls table: the spend of the lineage's own model users (proposers, authors, self-repair, summaries),
// kept apart from the runs' spend.

export type ModelCall = Selectable<Database['model_calls']>;

export async function insertModelCall(db: Db, row: Insertable<Database['model_calls']>): Promise<void> {
  await db.insertInto('model_calls').values(row).execute();
}

/** Every model call row, of one generation if given, oldest first. */
export function modelCalls(db: Db, o: { generation?: number } = {}): Promise<ModelCall[]> {
  let q = db.selectFrom('model_calls').selectAll();
  if (o.generation !== undefined) q = q.where('generation_id', '=', o.generation);
  return q.orderBy('id').execute();
}

/** Dollars and unpriced calls per experiment and purpose, summed in SQL (calls stored against no experiment aside). */
export async function modelCallSpendByExperiment(
  db: Db,
  only?: readonly string[],
): Promise<Array<{ experiment_id: string; purpose: string; dollars: number | null; unpriced: number }>> {
  let q = db
    .selectFrom('model_calls')
    .select((eb) => [
      'experiment_id',
      'purpose',
      eb.fn.sum<number | null>('cost_usd').as('dollars'),
      eb.fn.sum<number>(sql`case when cost_usd is null then calls else 0 end`).as('unpriced'),
    ])
    .where('experiment_id', 'is not', null)
    .groupBy(['experiment_id', 'purpose']);
  if (only) q = q.where('experiment_id', 'in', only.length ? only : ['']);
  const rows = await q.execute();
  return rows.map((r) => ({
    experiment_id: r.experiment_id!,
    purpose: r.purpose,
    dollars: r.dollars === null ? null : Number(r.dollars),
    unpriced: Number(r.unpriced),
  }));
}
