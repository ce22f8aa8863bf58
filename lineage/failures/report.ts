import type { Db } from '../db/open.js';
import { type ClusterSummary, readClusters } from '../read.js';
import { failuresByTag, hackingSuspicions, signFailures, type TagBreakdown } from './cluster.js';

export interface FailuresReport {
  scope: string;
  clusters: ClusterSummary[];
  byTag: TagBreakdown[];
  suspicions: Array<{ runId: number; experimentId: string; taskId: string; reasons: string[] }>;
  /** Experiment-level flags (e.g. a self-repair patch touching tests or the evaluator, hidden-path probes). */
  flagged: Array<{ experimentId: string; flags: string[] }>;
}

/** What `evolve failures` shows: signs any new runs first (idempotent), then reads clusters, tags and flags. */
export async function failuresReport(db: Db, experimentId?: string, clusterFilter?: string): Promise<FailuresReport> {
  if (experimentId && !(await db.selectFrom('experiments').select('id').where('id', '=', experimentId).executeTakeFirst())) {
    throw Object.assign(new Error(`no experiment ${experimentId}`), { hint: 'See `evolve tree` for the experiments in this workspace.' });
  }
  await signFailures(db, experimentId ? [experimentId] : undefined);
  let clusters = await readClusters(db, experimentId);
  if (clusterFilter) {
    clusters = clusters.filter((c) => c.id === clusterFilter);
    if (clusters.length === 0) throw Object.assign(new Error(`no failure cluster ${clusterFilter}${experimentId ? ` in ${experimentId}` : ''}`), { hint: 'Run `evolve failures` to list cluster ids.' });
  }
  let flaggedQuery = db.selectFrom('experiments').select(['id', 'flags']).where('flags', '!=', '[]');
  if (experimentId) flaggedQuery = flaggedQuery.where((eb) => eb.or([eb('id', '=', experimentId), eb('parent_id', '=', experimentId)]));
  const flagged = (await flaggedQuery.orderBy('id').execute()).map((e) => ({ experimentId: e.id, flags: JSON.parse(e.flags) as string[] }));
  return { scope: experimentId ?? 'whole lineage', clusters, byTag: await failuresByTag(db, experimentId), suspicions: await hackingSuspicions(db, experimentId), flagged };
}
