import { existsSync } from 'node:fs';
import { readTrajectory } from '../../agent/trajectory.js';
import type { Db } from '../db/open.js';
import { now } from '../db/open.js';
import { clusterId, clusterKey, clusterLabel, FailureSignature, type GradeReport, signatureOf } from './signature.js';

// Signs every finished run that has no signature yet and files the unresolved ones under their cluster. Resolved
// runs are signed too, so a run that *passed* by probing hidden paths is still flagged. Idempotent: running it
// again only signs new runs. No model is involved.

export async function signFailures(db: Db, experimentIds?: string[]): Promise<{ signed: number }> {
  let query = db
    .selectFrom('runs')
    .select(['id', 'experiment_id', 'outcome', 'exit_reason', 'report', 'trajectory_path'])
    .where('status', '=', 'done')
    .where('failure_signature', 'is', null);
  if (experimentIds?.length) query = query.where('experiment_id', 'in', experimentIds);
  const runs = await query.orderBy('id').execute();
  for (const run of runs) {
    const events = run.trajectory_path && existsSync(run.trajectory_path) ? safeRead(run.trajectory_path) : [];
    const report = run.report ? (JSON.parse(run.report) as GradeReport) : null;
    const signature = signatureOf({ exitReason: run.exit_reason, report, events });
    if (run.outcome === 'resolved') {
      await db.updateTable('runs').set({ failure_signature: JSON.stringify(signature) }).where('id', '=', run.id).execute();
      continue;
    }
    const id = clusterId(signature);
    const at = now();
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('failure_clusters')
        .values({ id, label: clusterLabel(signature), signature: JSON.stringify(clusterKey(signature)), first_seen_experiment: run.experiment_id, created_at: at, updated_at: at })
        .onConflict((oc) => oc.column('id').doUpdateSet({ updated_at: at }))
        .execute();
      await trx.updateTable('runs').set({ failure_signature: JSON.stringify(signature), cluster_id: id }).where('id', '=', run.id).execute();
    });
  }
  return { signed: runs.length };
}

function safeRead(path: string) {
  try {
    return readTrajectory(path);
  } catch {
    return []; // a truncated trajectory (crash mid-write) still gets a signature from its report
  }
}

export interface TagBreakdown {
  tag: string;
  failed: number;
  total: number;
}

/** Unresolved share per task tag, so a weakness points at the policy likely responsible. */
export async function failuresByTag(db: Db, experimentId?: string): Promise<TagBreakdown[]> {
  let query = db
    .selectFrom('runs')
    .innerJoin('tasks', 'tasks.id', 'runs.task_id')
    .select(['runs.outcome', 'tasks.tags'])
    .where('runs.status', '=', 'done');
  if (experimentId) query = query.where('runs.experiment_id', '=', experimentId);
  const counts = new Map<string, TagBreakdown>();
  for (const row of await query.execute()) {
    for (const tag of JSON.parse(row.tags) as string[]) {
      const c = counts.get(tag) ?? { tag, failed: 0, total: 0 };
      c.total += 1;
      if (row.outcome !== 'resolved') c.failed += 1;
      counts.set(tag, c);
    }
  }
  return [...counts.values()].sort((a, b) => b.failed / b.total - a.failed / a.total || b.total - a.total);
}

/** Runs flagged for objective hacking (probing hidden paths or editing tests), per experiment. */
export async function hackingSuspicions(db: Db, experimentId?: string): Promise<Array<{ runId: number; experimentId: string; taskId: string; reasons: string[] }>> {
  let query = db.selectFrom('runs').select(['id', 'experiment_id', 'task_id', 'failure_signature']).where('failure_signature', 'is not', null);
  if (experimentId) query = query.where('experiment_id', '=', experimentId);
  const out = [];
  for (const row of await query.execute()) {
    const s = FailureSignature.parse(JSON.parse(row.failure_signature!));
    const reasons = [...s.hiddenPathProbes.map((p) => `probed ${p}`), ...(s.touchedTests ? ['edited test files'] : [])];
    if (reasons.length) out.push({ runId: row.id, experimentId: row.experiment_id, taskId: row.task_id, reasons });
  }
  return out;
}
