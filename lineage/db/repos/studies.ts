import type { Insertable, Selectable } from 'kysely';
import type { Db } from '../open.js';
import type { Database } from '../schema.js';

// The studies and study_replicates tables (lineage/study/studies.ts says what a study is and checks its config).

export type StudyRecord = Selectable<Database['studies']>;
export type ReplicateRecord = Selectable<Database['study_replicates']>;

export function findStudy(db: Db, name: string): Promise<StudyRecord | undefined> {
  return db.selectFrom('studies').selectAll().where('name', '=', name).executeTakeFirst();
}

/** A study and its replicates, in one transaction. */
export async function insertStudy(
  db: Db,
  study: StudyRecord,
  replicates: ReadonlyArray<Insertable<Database['study_replicates']>>,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('studies').values(study).execute();
    for (const r of replicates) await trx.insertInto('study_replicates').values(r).execute();
  });
}

/** Every study's name and creation time, oldest first. */
export function studyNames(db: Db): Promise<Array<Pick<StudyRecord, 'name' | 'created_at'>>> {
  return db.selectFrom('studies').select(['name', 'created_at']).orderBy('created_at').execute();
}

/** The study's replicates, in no particular order. */
export function replicatesOf(db: Db, study: string): Promise<ReplicateRecord[]> {
  return db.selectFrom('study_replicates').selectAll().where('study', '=', study).execute();
}

export async function updateReplicateRow(
  db: Db,
  r: Pick<ReplicateRecord, 'study' | 'condition' | 'replicate'>,
  patch: Partial<Pick<ReplicateRecord, 'status' | 'generations_done' | 'stop_reason' | 'started_at' | 'finished_at'>>,
): Promise<void> {
  await db
    .updateTable('study_replicates')
    .set(patch)
    .where('study', '=', r.study)
    .where('condition', '=', r.condition)
    .where('replicate', '=', r.replicate)
    .execute();
}
