import { join } from 'node:path';
import type { Db } from '../db/open.js';
import { now } from '../db/open.js';
import type { StudyReplicateRow } from '../db/schema.js';
import { findStudy, insertStudy, replicatesOf, studyNames, updateReplicateRow } from '../db/repos/studies.js';
import { type Condition, replicateSeed, StudyConfig } from './condition.js';
import type { z } from 'zod';

// The studies and their replicates as this workspace records them (queried through lineage/db/repos/studies.ts).

export type Replicate = z.infer<typeof StudyReplicateRow>;

export interface Study {
  name: string;
  config: StudyConfig;
  createdAt: string;
  replicates: Replicate[];
}

export class StudyError extends Error {
  override readonly name = 'StudyError';
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

export const STUDIES_DIR = 'studies';

/** A replicate's workspace folder, relative to the study's workspace. */
export function replicatePath(study: string, condition: string, replicate: number): string {
  return join(STUDIES_DIR, study, condition, `r${replicate}`);
}

export async function createStudy(db: Db, name: string, config: StudyConfig): Promise<Study> {
  if (!/^[A-Za-z0-9][\w.-]*$/.test(name))
    throw new StudyError(`study name ${JSON.stringify(name)} is not usable`, "Use letters, digits, '.', '_' or '-'.");
  const names = config.conditions.map((c) => c.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) throw new StudyError(`--condition ${twice} is given twice`, 'Give each condition its own name.');
  if (await findStudy(db, name))
    throw new StudyError(
      `study ${name} already exists`,
      `Run \`evolve study run ${name}\` to continue it, or create one with another name.`,
    );
  const parsed = StudyConfig.parse(config);
  const replicates = [];
  for (let k = 1; k <= parsed.replicates; k++)
    for (const c of parsed.conditions) replicates.push(pendingReplicate(name, c, k, replicateSeed(parsed, k)));
  await insertStudy(db, { name, config: JSON.stringify(parsed), created_at: now() }, replicates);
  return getStudy(db, name);
}

function pendingReplicate(study: string, c: Condition, k: number, seed: number) {
  return {
    study,
    condition: c.name,
    replicate: k,
    seed,
    path: replicatePath(study, c.name, k),
    status: 'pending' as const,
    stop_reason: null,
    started_at: null,
    finished_at: null,
  };
}

export async function getStudy(db: Db, name: string): Promise<Study> {
  const row = await findStudy(db, name);
  if (!row) {
    const known = (await listStudies(db)).map((s) => s.name);
    throw new StudyError(
      `no study named ${name}`,
      known.length
        ? `Studies here: ${known.join(', ')}.`
        : 'Create one with `evolve study create NAME --condition ...`.',
    );
  }
  const config = StudyConfig.parse(JSON.parse(row.config));
  const order = new Map(config.conditions.map((c, i) => [c.name, i]));
  const replicates = (await replicatesOf(db, name)).sort(
    (a, b) => a.replicate - b.replicate || (order.get(a.condition) ?? 0) - (order.get(b.condition) ?? 0),
  );
  return { name, config, createdAt: row.created_at, replicates };
}

export async function listStudies(db: Db): Promise<Array<{ name: string; createdAt: string }>> {
  const rows = await studyNames(db);
  return rows.map((r) => ({ name: r.name, createdAt: r.created_at }));
}

export async function updateReplicate(
  db: Db,
  r: Pick<Replicate, 'study' | 'condition' | 'replicate'>,
  patch: Partial<Pick<Replicate, 'status' | 'generations_done' | 'stop_reason' | 'started_at' | 'finished_at'>>,
): Promise<void> {
  await updateReplicateRow(db, r, patch);
}
