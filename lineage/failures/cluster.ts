import { existsSync } from 'node:fs';
import { readTrajectory } from '../../agent/trajectory.js';
import type { Db } from '../db/open.js';
import { type ClusterScope, scopeExperiments } from '../read.js';
import { runFlag } from './flags.js';
import { type PolicyPointer, tagPointer } from './pointers.js';
import { type GradeReport, readReport } from '../../tasks/outcome.js';
import { clusterId, clusterKey, clusterLabel, FailureSignature, signatureOf } from './signature.js';
import { addFlags } from '../db/repos/experiments.js';
import { outcomesWithTags, setRunSignature, signedRuns, unsignedRuns } from '../db/repos/runs.js';
import { fileUnderCluster } from '../db/repos/failure-clusters.js';

// Signs every finished run that has no signature yet and files the unresolved ones under their cluster. Resolved
// runs are signed too, so a run that *passed* by probing hidden paths is still flagged, on the run and on its
// experiment (whose folder README then says so). Idempotent: running it again only signs new runs. No model.

export async function signFailures(db: Db, experimentIds?: string[]): Promise<{ signed: number }> {
  const runs = await unsignedRuns(db, experimentIds);
  for (const run of runs) {
    const events = run.trajectory_path && existsSync(run.trajectory_path) ? safeRead(run.trajectory_path) : [];
    const report: GradeReport | null = readReport(run.report);
    const signature = signatureOf({ exitReason: run.exit_reason, report, events });
    const reasons = suspicionReasons(signature);
    if (reasons.length)
      await addFlags(db, run.experiment_id, [runFlag({ runId: run.id, taskId: run.task_id, reasons })]);
    // Held-out runs are signed (and flagged) but filed under no cluster: clusters feed proposers and self-repair,
    // which must never see the held-out split.
    if (run.outcome === 'resolved' || run.split === 'heldout') {
      await setRunSignature(db, run.id, JSON.stringify(signature));
      continue;
    }
    await fileUnderCluster(
      db,
      { id: run.id, experimentId: run.experiment_id, signature: JSON.stringify(signature) },
      { id: clusterId(signature), label: clusterLabel(signature), key: JSON.stringify(clusterKey(signature)) },
    );
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
  /** Set when this tag fails more often than the scope does overall: the policy likely responsible. */
  pointer?: PolicyPointer;
}

/** Unresolved share per task tag, so a weakness points at the policy likely responsible. */
export async function failuresByTag(db: Db, scope?: ClusterScope): Promise<TagBreakdown[]> {
  const ids = await scopeExperiments(db, scope);
  if (ids?.length === 0) return [];
  const rows = await outcomesWithTags(db, ids);
  const overall = rows.filter((r) => r.outcome !== 'resolved').length / Math.max(1, rows.length);
  const counts = new Map<string, TagBreakdown>();
  for (const row of rows) {
    for (const tag of JSON.parse(row.tags) as string[]) {
      const c = counts.get(tag) ?? { tag, failed: 0, total: 0 };
      c.total += 1;
      if (row.outcome !== 'resolved') c.failed += 1;
      counts.set(tag, c);
    }
  }
  const out = [...counts.values()].map((c) => {
    const pointer = c.failed > 0 && c.failed / c.total > overall ? tagPointer(c.tag) : undefined;
    return pointer ? { ...c, pointer } : c;
  });
  return out.sort((a, b) => b.failed / b.total - a.failed / a.total || b.total - a.total || a.tag.localeCompare(b.tag));
}

function suspicionReasons(s: FailureSignature): string[] {
  return [
    ...s.hiddenPathProbes.map((p) => `probed ${p}`),
    ...(s.touchedTests ? ['edited test files'] : []),
    ...s.gradingFlags,
  ];
}

/** Runs flagged for objective hacking (probing hidden paths, editing tests, tampering with the grader). */
export async function hackingSuspicions(
  db: Db,
  scope?: ClusterScope,
): Promise<Array<{ runId: number; experimentId: string; taskId: string; reasons: string[] }>> {
  const ids = await scopeExperiments(db, scope);
  if (ids?.length === 0) return [];
  const out = [];
  for (const row of await signedRuns(db, ids)) {
    const reasons = suspicionReasons(FailureSignature.parse(JSON.parse(row.failure_signature)));
    if (reasons.length) out.push({ runId: row.id, experimentId: row.experiment_id, taskId: row.task_id, reasons });
  }
  return out;
}
