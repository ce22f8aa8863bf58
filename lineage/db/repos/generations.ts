import { z } from 'zod';
import type { Selectable } from 'kysely';
import type { Db } from '../open.js';
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
export async function patchGenerationConfig(
  db: Db,
  id: number,
  patch: Partial<GenerationConfig> & Record<string, unknown>,
): Promise<GenerationConfig> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('generations').select('config').where('id', '=', id).executeTakeFirstOrThrow();
    const next = GenerationConfig.parse({ ...readGenerationConfig(row.config, id), ...patch });
    await trx
      .updateTable('generations')
      .set({ config: JSON.stringify(next) })
      .where('id', '=', id)
      .execute();
    return next;
  });
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
