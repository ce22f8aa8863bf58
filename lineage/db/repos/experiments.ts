import type { Db } from '../open.js';
import { now } from '../open.js';
import type { Experiment, ExperimentStatus, ExperimentUpdate } from '../schema.js';

// The experiments table's queries, and the one place an experiment's status changes: every move goes through
// `moveStatus`, which allows only the moves below, so no writer can put a rejected variant back into evaluation or
// make a failed one champion by writing the column itself.

/**
 * Where each status may go. An experiment is proposed, evaluated (or rejected at a gate, or failed), then decided:
 * promoted or retired by a rule or a person. A person may promote what was retired or rejected (forced) and retire
 * anything; nothing ever goes back to `proposed` or `evaluating` from a decided state, and a failed experiment (one
 * that cannot run) is never promoted.
 */
export const STATUS_MOVES: { readonly [S in ExperimentStatus]: readonly ExperimentStatus[] } = {
  proposed: ['evaluating', 'rejected', 'failed', 'promoted', 'retired'],
  evaluating: ['evaluated', 'failed', 'promoted', 'retired'],
  evaluated: ['promoted', 'retired', 'failed'],
  promoted: ['retired'],
  retired: ['promoted'],
  rejected: ['promoted', 'retired'],
  failed: ['retired'],
};

export class StatusMoveRefused extends Error {
  override readonly name = 'StatusMoveRefused';
  readonly hint: string;
  constructor(
    readonly experimentId: string,
    readonly from: ExperimentStatus,
    readonly to: ExperimentStatus,
  ) {
    super(`${experimentId} is ${from}: it cannot become ${to}`);
    this.hint = `A ${from} experiment can become ${STATUS_MOVES[from].join(' or ') || 'nothing else'}.`;
  }
}

/** Statuses that end an evaluation step: the row's `finished_at` is stamped when one is reached. */
const FINISHING = new Set<ExperimentStatus>(['evaluated', 'rejected', 'failed']);

/**
 * Moves experiment `id` to status `to` (with `learned`, when given, in the same write) and says whether it moved.
 * Already at `to`: nothing changes (a resumed step repeats its move). With `from`, the move happens only from that
 * status and is otherwise skipped; without it, a move the table does not allow throws StatusMoveRefused. One
 * conditional UPDATE, so it also holds inside a caller's transaction and between concurrent writers.
 */
export async function moveStatus(
  db: Db,
  id: string,
  to: ExperimentStatus,
  options: { from?: ExperimentStatus; learned?: string } = {},
): Promise<boolean> {
  if (options.from && !STATUS_MOVES[options.from].includes(to)) throw new StatusMoveRefused(id, options.from, to);
  const sources = options.from
    ? [options.from]
    : (Object.keys(STATUS_MOVES) as ExperimentStatus[]).filter((s) => STATUS_MOVES[s].includes(to));
  // No status moves to `to` (e.g. proposed): nothing to update, and `in ()` is a syntax error on Postgres.
  const result =
    sources.length === 0
      ? undefined
      : await db
          .updateTable('experiments')
          .set({
            status: to,
            ...(FINISHING.has(to) ? { finished_at: now() } : {}),
            ...(options.learned !== undefined ? { learned: options.learned } : {}),
          })
          .where('id', '=', id)
          .where('status', 'in', sources)
          .executeTakeFirst();
  if (Number(result?.numUpdatedRows ?? 0) > 0) return true;
  const current = (await getExperiment(db, id)).status;
  if (current === to || options.from) return false;
  throw new StatusMoveRefused(id, current, to);
}

/** Columns other than the status (which moves only through moveStatus). */
export type ExperimentFields = Omit<ExperimentUpdate, 'id' | 'status'>;

export async function updateExperiment(db: Db, id: string, fields: ExperimentFields): Promise<void> {
  if ('status' in fields) throw new Error(`updateExperiment(${id}): the status changes only through moveStatus`);
  await db.updateTable('experiments').set(fields).where('id', '=', id).execute();
}

export async function findExperiment(db: Db, id: string): Promise<Experiment | undefined> {
  return db.selectFrom('experiments').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function getExperiment(db: Db, id: string): Promise<Experiment> {
  const row = await findExperiment(db, id);
  if (!row)
    throw Object.assign(new Error(`no experiment ${id} in this workspace`), {
      hint: 'See `evolve tree` for the experiments here.',
    });
  return row;
}

export async function childrenOf(db: Db, parentId: string): Promise<Experiment[]> {
  return db.selectFrom('experiments').selectAll().where('parent_id', '=', parentId).orderBy('id').execute();
}

/** Every experiment (or those named), by id. */
export async function listExperiments(db: Db, ids?: readonly string[]): Promise<Experiment[]> {
  if (ids?.length === 0) return [];
  let query = db.selectFrom('experiments').selectAll().orderBy('id');
  if (ids) query = query.where('id', 'in', ids);
  return query.execute();
}

/**
 * Inserts the row `build` makes for the first id `idAt(n)` (n = start, start + 1, ...) no child of `parentId` has,
 * in one transaction, so concurrent proposers never share an id.
 */
export async function insertWithFreeId(
  db: Db,
  parentId: string,
  idAt: (n: number) => string,
  build: (id: string) => Experiment,
  start = 0,
): Promise<Experiment> {
  return db.transaction().execute(async (trx) => {
    const taken = new Set(
      (await trx.selectFrom('experiments').select('id').where('parent_id', '=', parentId).execute()).map((r) => r.id),
    );
    let n = start;
    while (taken.has(idAt(n))) n++;
    const row = build(idAt(n));
    await trx.insertInto('experiments').values(row).execute();
    return row;
  });
}

/** Inserts a root experiment and makes it the first champion, in one transaction; false when `row.id` exists. */
export async function insertRoot(db: Db, row: Experiment): Promise<boolean> {
  if (await findExperiment(db, row.id)) return false;
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('experiments').values(row).execute();
    await trx.insertInto('champions').values({ experiment_id: row.id, decision_id: null, since: now() }).execute();
  });
  return true;
}

/** Merges `flags` into the experiment's flags (never removing one) and returns them all. */
export async function addFlags(db: Db, id: string, flags: string[]): Promise<string[]> {
  const row = await db.selectFrom('experiments').select('flags').where('id', '=', id).executeTakeFirstOrThrow();
  const old = JSON.parse(row.flags) as string[];
  const merged = [...new Set([...old, ...flags])];
  if (merged.length !== old.length) await updateExperiment(db, id, { flags: JSON.stringify(merged) });
  return merged;
}

/** The ids of the experiments a generation proposed, in order. */
export async function idsOfGeneration(db: Db, generation: number): Promise<string[]> {
  const rows = await db
    .selectFrom('experiments')
    .select('id')
    .where('generation', '=', generation)
    .orderBy('id')
    .execute();
  return rows.map((r) => r.id);
}

/** How many experiments have each status (statuses none has are absent). */
export async function countByStatus(db: Db): Promise<Map<ExperimentStatus, number>> {
  const rows = await db
    .selectFrom('experiments')
    .select(['status', db.fn.countAll<number>().as('n')])
    .groupBy('status')
    .execute();
  return new Map(rows.map((r) => [r.status, Number(r.n)]));
}

/** Children (every experiment with a parent), newest first, at most `limit`. */
export function recentChildren(db: Db, limit: number): Promise<Experiment[]> {
  return db
    .selectFrom('experiments')
    .selectAll()
    .where('parent_id', 'is not', null)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** Every child, in the order it was created. */
export function childrenInOrder(db: Db): Promise<Experiment[]> {
  return db
    .selectFrom('experiments')
    .selectAll()
    .where('parent_id', 'is not', null)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** Experiments with flags: those named, or `id` and its children, or all. */
export function flaggedExperiments(
  db: Db,
  scope: { id: string } | { ids: readonly string[] } | undefined,
): Promise<Array<Pick<Experiment, 'id' | 'flags'>>> {
  if (scope && 'ids' in scope && scope.ids.length === 0) return Promise.resolve([]);
  let query = db.selectFrom('experiments').select(['id', 'flags']).where('flags', '!=', '[]').orderBy('id');
  if (scope && 'id' in scope)
    query = query.where((eb) => eb.or([eb('id', '=', scope.id), eb('parent_id', '=', scope.id)]));
  else if (scope) query = query.where('id', 'in', scope.ids);
  return query.execute();
}

/** The child of `parentId` with exactly this genome JSON, if one was made. */
export function childWithGenome(db: Db, parentId: string, genome: string): Promise<Experiment | undefined> {
  return db
    .selectFrom('experiments')
    .selectAll()
    .where('parent_id', '=', parentId)
    .where('genome', '=', genome)
    .executeTakeFirst();
}
