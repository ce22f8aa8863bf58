import { sql } from 'kysely';
import type { Db } from './db/open.js';
import { ExperimentStatus, RunStatus } from './db/schema.js';

export interface WorkspaceStatus {
  experiments: Record<string, number>;
  champion: { id: string; score: number | null; since: string } | null;
  lastGeneration: { id: number; parent: string; status: string; startedAt: string } | null;
  runs: Record<string, number>;
}

export async function workspaceStatus(db: Db): Promise<WorkspaceStatus> {
  const experiments = Object.fromEntries(ExperimentStatus.options.map((s) => [s, 0])) as Record<string, number>;
  for (const row of await db
    .selectFrom('experiments')
    .select(['status', sql<number>`count(*)`.as('n')])
    .groupBy('status')
    .execute()) {
    experiments[row.status] = Number(row.n);
  }
  const runs = Object.fromEntries(RunStatus.options.map((s) => [s, 0])) as Record<string, number>;
  for (const row of await db
    .selectFrom('runs')
    .select(['status', sql<number>`count(*)`.as('n')])
    .groupBy('status')
    .execute()) {
    runs[row.status] = Number(row.n);
  }
  const champ = await db
    .selectFrom('champions')
    .innerJoin('experiments', 'experiments.id', 'champions.experiment_id')
    .select(['champions.experiment_id as id', 'experiments.score as score', 'champions.since as since'])
    .orderBy('champions.id', 'desc')
    .limit(1)
    .executeTakeFirst();
  const gen = await db.selectFrom('generations').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirst();
  return {
    experiments,
    champion: champ ?? null,
    lastGeneration: gen ? { id: gen.id, parent: gen.parent_id, status: gen.status, startedAt: gen.started_at } : null,
    runs,
  };
}
