import { z } from 'zod';
import type { Selectable } from 'kysely';
import type { Db } from '../open.js';
import { now } from '../open.js';
import type { Database } from '../schema.js';

// The generations table's queries and the shape of its `config` column, in one place: a generation's settings and
// progress (children, baseline champion, what proposing and deciding recorded), read through a schema instead of
// `JSON.parse(...) as` casts. Keys other writers add (evidence, spent, author, modelProposer, ...) pass through.

export const GenerationConfig = z.looseObject({
  /** The generation's children, in order (re-offered ones first). */
  children: z.array(z.string()).default([]),
  /** The champion the children are compared with, fixed when the generation starts (so a resume after a promotion
   * still compares with the same baseline). */
  champion: z.string().optional(),
  /** How many children were asked for (`children` is the list). */
  childrenWanted: z.number().int().nonnegative().optional(),
  proposer: z.string().optional(),
  select: z.string().optional(),
  rule: z.string().optional(),
  margin: z.number().optional(),
  /** Every child is proposed and recorded. */
  proposed: z.boolean().optional(),
  budgetStop: z.string().optional(),
  /** Open children of the champion re-offered by this generation, each at the repeats of its next look
   * (lineage/pooled-evidence.ts); they head `children`. */
  reoffered: z.array(z.object({ id: z.string(), repeats: z.number() })).optional(),
  /** New children this generation proposed: they share its level (their family). */
  family: z.number().optional(),
});
export type GenerationConfig = z.infer<typeof GenerationConfig>;

/** A stored config; text that is not a config object reads as an empty one, naming the generation if it is broken. */
export function readGenerationConfig(text: string, id?: number): GenerationConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error(`generation ${id ?? '?'}: its config is not JSON`);
  }
  const parsed = GenerationConfig.safeParse(raw ?? {});
  if (!parsed.success)
    throw new Error(
      `generation ${id ?? '?'}: config field ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`,
    );
  return parsed.data;
}

/** Merges `patch` into a generation's config in one transaction and returns the result. */
export function patchGenerationConfig(
  db: Db,
  id: number,
  patch: Partial<GenerationConfig> & Record<string, unknown>,
): Promise<GenerationConfig> {
  return updateGenerationConfig(db, id, (config) => ({ ...config, ...patch }));
}

/** The newest generation still running (a killed one, to resume), if any. */
export function runningGeneration(db: Db) {
  return db
    .selectFrom('generations')
    .selectAll()
    .where('status', '=', 'running')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** The id the next generation takes. */
export async function nextGenerationId(db: Db): Promise<number> {
  const last = await db.selectFrom('generations').select('id').orderBy('id', 'desc').limit(1).executeTakeFirst();
  return (last?.id ?? 0) + 1;
}

export type Generation = Selectable<Database['generations']>;

export async function insertGeneration(db: Db, row: Generation): Promise<void> {
  await db.insertInto('generations').values(row).execute();
}

/** These generations' configs, by id (an empty list reads nothing: `in ()` is an error on Postgres). */
export async function generationConfigs(db: Db, ids: readonly number[]): Promise<Map<number, GenerationConfig>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('generations').select(['id', 'config']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, readGenerationConfig(r.config, r.id)]));
}

/** A generation's row, if it exists. */
export function findGeneration(db: Db, id: number): Promise<Generation | undefined> {
  return db.selectFrom('generations').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The newest generation, whatever its status. */
export function latestGeneration(db: Db): Promise<Generation | undefined> {
  return db.selectFrom('generations').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirst();
}

/** The finished generations, oldest first. */
export function doneGenerations(db: Db): Promise<Generation[]> {
  return db.selectFrom('generations').selectAll().where('status', '=', 'done').orderBy('id').execute();
}

/**
 * Ends a generation: its status and finish time, and in the same transaction a patch of its config if given (a
 * note saying why, for one that had nothing to decide).
 */
export async function finishGeneration(
  db: Db,
  id: number,
  status: Exclude<Generation['status'], 'running'>,
  patch?: Record<string, unknown>,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const set: Partial<Generation> = { status, finished_at: now() };
    if (patch) {
      const row = await trx.selectFrom('generations').select('config').where('id', '=', id).executeTakeFirstOrThrow();
      set.config = JSON.stringify(GenerationConfig.parse({ ...readGenerationConfig(row.config, id), ...patch }));
    }
    await trx.updateTable('generations').set(set).where('id', '=', id).execute();
  });
}

/** Changes a generation's config through `change` in one transaction (what it reads is what it replaces). */
export async function updateGenerationConfig(
  db: Db,
  id: number,
  change: (config: GenerationConfig) => GenerationConfig,
): Promise<GenerationConfig> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('generations').select('config').where('id', '=', id).executeTakeFirstOrThrow();
    const next = GenerationConfig.parse(change(readGenerationConfig(row.config, id)));
    await trx
      .updateTable('generations')
      .set({ config: JSON.stringify(next) })
      .where('id', '=', id)
      .execute();
    return next;
  });
}
