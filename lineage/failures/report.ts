import type { Db } from '../db/open.js';
import { findExperiment, flaggedExperiments } from '../db/repos/experiments.js';
import { type ClusterSummary, readClusters, scopeExperiments } from '../read.js';
import { failuresByTag, hackingSuspicions, signFailures, type TagBreakdown } from './cluster.js';
import { runFlag } from './flags.js';
import { clusterChanges, type Lineage } from './follow.js';
import { clusterPointer, type PolicyPointer } from './pointers.js';
import { listClusters } from '../db/repos/failure-clusters.js';

export interface FailuresOptions {
  /** One experiment; with neither this nor `generation`, the whole lineage. */
  experimentId?: string;
  generation?: number;
  clusterId?: string;
}

export interface FailuresReport {
  scope: string;
  clusters: Array<ClusterSummary & { pointer?: PolicyPointer }>;
  byTag: TagBreakdown[];
  /** For one experiment with a parent: did it fix what the parent failed on? */
  vsParent?: Lineage;
  suspicions: Array<{ runId: number; experimentId: string; taskId: string; reasons: string[] }>;
  /** Experiment-level flags (e.g. a self-repair patch touching tests or the evaluator, hidden-path probes). */
  flagged: Array<{ experimentId: string; flags: string[] }>;
}

const hint = (h: string) => ({ hint: h });

/** What `evolve failures` shows: signs any new runs first (idempotent), then reads clusters, tags and flags. */
export async function failuresReport(db: Db, o: FailuresOptions = {}): Promise<FailuresReport> {
  const { experimentId, generation, clusterId } = o;
  if (experimentId && generation !== undefined)
    throw Object.assign(
      new Error('give an experiment or --generation, not both'),
      hint('`evolve failures exp-23` for one experiment, `evolve failures --generation 3` for a generation.'),
    );
  const experiment = experimentId ? await findExperiment(db, experimentId) : undefined;
  if (experimentId && !experiment) {
    throw Object.assign(
      new Error(`no experiment ${experimentId}`),
      hint('See `evolve tree` for the experiments in this workspace.'),
    );
  }
  const scope = experimentId ? experimentId : generation !== undefined ? { generation } : undefined;
  const ids = await scopeExperiments(db, scope);
  if (generation !== undefined && ids?.length === 0) {
    throw Object.assign(
      new Error(`--generation ${generation}: no experiment in that generation`),
      hint("`evolve tree` shows each experiment's generation."),
    );
  }
  // A child is compared with its parent, so the parent's runs are signed too.
  const parent = experiment?.parent_id ?? null;
  await signFailures(db, ids ? [...ids, ...(parent ? [parent] : [])] : undefined);
  const keys = new Map((await listClusters(db)).map((c) => [c.id, JSON.parse(c.signature) as Record<string, unknown>]));
  let clusters = (await readClusters(db, scope)).map((c) => {
    const pointer = clusterPointer(keys.get(c.id) ?? {});
    return pointer ? { ...c, pointer } : c;
  });
  let vsParent = experimentId ? await clusterChanges(db, experimentId) : undefined;
  if (clusterId) {
    clusters = clusters.filter((c) => c.id === clusterId);
    if (vsParent) vsParent = { ...vsParent, changes: vsParent.changes.filter((c) => c.id === clusterId) };
    if (clusters.length === 0 && !vsParent?.changes.length)
      throw Object.assign(
        new Error(`no failure cluster ${clusterId}${experimentId ? ` in ${experimentId}` : ''}`),
        hint('Run `evolve failures` to list cluster ids.'),
      );
  }
  const suspicions = await hackingSuspicions(db, scope);
  // Run flags on an experiment repeat the suspicions listed above; keep the rest (patch flags, repair-run probes).
  const listed = new Set(suspicions.map(runFlag));
  const flagged = (await flaggedExperiments(db, experimentId ? { id: experimentId } : ids ? { ids } : undefined))
    .map((e) => ({ experimentId: e.id, flags: (JSON.parse(e.flags) as string[]).filter((f) => !listed.has(f)) }))
    .filter((e) => e.flags.length > 0);
  return {
    scope: experimentId ?? (generation !== undefined ? `generation ${generation}` : 'whole lineage'),
    clusters,
    byTag: await failuresByTag(db, scope),
    ...(vsParent ? { vsParent } : {}),
    suspicions,
    flagged,
  };
}
