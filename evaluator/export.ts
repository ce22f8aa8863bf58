import type { StoredRun } from './store.js';

// Formats other tools read: autoresearch's results.tsv, experiments.jsonl, SWE-bench predictions.jsonl and the
// SWE-bench harness's final report. Pure functions over plain data; the caller loads rows and patches.

/** An experiment's standing as the lineage has it (plus crash/timeout for runs that never finished). */
export type ExportStatus =
  | 'champion'
  | 'promoted'
  | 'kept'
  | 'explore'
  | 'discarded'
  | 'retired'
  | 'crash'
  | 'timeout'
  | 'pending';

export interface ExperimentExport {
  id: string;
  /** Git commit (or branch) of the experiment's code; the experiment id when it has none. */
  commit: string;
  status: ExportStatus;
  description: string;
  /** Train split only; held-out runs are reported apart, never pooled into the score. */
  resolveRate: number | null;
  ciLo: number | null;
  ciHi: number | null;
  tasks: number;
  runs: number;
  heldout: { resolveRate: number; ciLo: number; ciHi: number; tasks: number; runs: number } | null;
  costUsd: number | null;
  /** What the lineage's own model calls for it cost (self-repair, an author), by purpose; apart from its runs. */
  lineageCostUsd?: Record<string, number>;
  tokens: number | null;
  wallSeconds: number | null;
  /** Lines changed by the experiment's change (genome diff or code patch). */
  diffSize: number;
  parentId: string | null;
  /** Who wrote it (a person, a proposer, an agent at a commit with its model) and the group a split by author uses. */
  author?: { text: string; group: string };
}

/**
 * The status as the lineage has it: the current champion; promoted (once champion); kept (a child decided on but not
 * promoted); explore; discarded (rejected or failed held-out confirmation); retired by a person; crash (failed) and
 * timeout (stopped on the wall-clock budget) for experiments whose evaluation never finished; pending when undecided.
 */
export function exportStatus(facts: {
  experimentStatus: string;
  decision?: string | null;
  /** Who made the latest decision: a rule's retire is a discard, a person's is a retirement. */
  decidedBy?: string | null;
  stopReason?: string | null;
  isChampion?: boolean;
  wasChampion?: boolean;
}): ExportStatus {
  if (facts.isChampion) return 'champion';
  if (facts.decision === 'retire' && facts.decidedBy === 'person') return 'retired';
  if (facts.wasChampion || facts.experimentStatus === 'promoted' || facts.decision === 'promote') return 'promoted';
  if (facts.experimentStatus === 'failed' || facts.decision === 'fail') return 'crash';
  if (facts.stopReason === 'budget_time') return 'timeout';
  if (facts.decision === 'explore') return 'explore';
  if (facts.decision === 'keep') return 'kept';
  if (['reject', 'retire', 'confirm_failed'].includes(facts.decision ?? '') || facts.experimentStatus === 'rejected')
    return 'discarded';
  if (facts.experimentStatus === 'retired') return 'retired';
  return facts.decision ? 'kept' : 'pending';
}

const num = (v: number | null, digits: number) => (v === null || Number.isNaN(v) ? '' : v.toFixed(digits));
/** TSV cells may not hold tabs or newlines. */
const cell = (s: string) => s.replace(/[\t\r\n]+/g, ' ').trim();

export function resultsTsv(rows: ExperimentExport[]): string {
  const header = [
    'commit',
    'resolve_rate',
    'ci_lo',
    'ci_hi',
    'heldout_resolve_rate',
    'cost_usd',
    'tokens',
    'status',
    'description',
  ];
  const lines = rows.map((r) =>
    [
      cell(r.commit),
      num(r.resolveRate, 6),
      num(r.ciLo, 6),
      num(r.ciHi, 6),
      num(r.heldout?.resolveRate ?? null, 6),
      num(r.costUsd, 4),
      r.tokens === null ? '' : String(r.tokens),
      r.status,
      cell(`${r.id}: ${r.description}`),
    ].join('\t'),
  );
  return [header.join('\t'), ...lines].join('\n') + '\n';
}

export function experimentsJsonl(rows: ExperimentExport[]): string {
  return rows
    .map((r) =>
      JSON.stringify({
        id: r.id,
        parent: r.parentId,
        ...(r.author ? { author: r.author.text, author_group: r.author.group } : {}),
        commit: r.commit,
        status: r.status,
        description: r.description,
        metrics: { resolve_rate: r.resolveRate, ci_lo: r.ciLo, ci_hi: r.ciHi, tasks: r.tasks, runs: r.runs },
        heldout: r.heldout
          ? {
              resolve_rate: r.heldout.resolveRate,
              ci_lo: r.heldout.ciLo,
              ci_hi: r.heldout.ciHi,
              tasks: r.heldout.tasks,
              runs: r.heldout.runs,
            }
          : null,
        diff_size: r.diffSize,
        wall_time_s: r.wallSeconds,
        tokens: r.tokens,
        cost_usd: r.costUsd,
        lineage_cost_usd: r.lineageCostUsd ?? {},
      }),
    )
    .map((l) => `${l}\n`)
    .join('');
}

export interface Prediction {
  instance_id: string;
  model_name_or_path: string;
  model_patch: string;
}

/** One prediction per task: the lowest repeat that finished. `readPatch` returns '' for a missing file. */
export function predictions(runs: StoredRun[], modelName: string, readPatch: (path: string) => string): Prediction[] {
  const best = new Map<string, StoredRun>();
  for (const r of runs) {
    if (r.status !== 'done') continue;
    const cur = best.get(r.taskId);
    if (!cur || r.repeat < cur.repeat) best.set(r.taskId, r);
  }
  return [...best.values()]
    .sort((a, b) => a.taskId.localeCompare(b.taskId))
    .map((r) => ({
      instance_id: r.taskId,
      model_name_or_path: modelName,
      model_patch: r.patchPath ? readPatch(r.patchPath) : '',
    }));
}

export function predictionsJsonl(preds: Prediction[]): string {
  return preds.map((p) => `${JSON.stringify(p)}\n`).join('');
}

/** The SWE-bench harness's final report (make_run_report, schema_version 2), over one repeat of an evaluation. */
export function swebenchReport(taskIds: string[], runs: StoredRun[], readPatch: (path: string) => string, repeat = 0) {
  const byTask = new Map(runs.filter((r) => r.repeat === repeat).map((r) => [r.taskId, r]));
  const ids = {
    submitted: [] as string[],
    completed: [] as string[],
    incomplete: [] as string[],
    empty_patch: [] as string[],
    resolved: [] as string[],
    unresolved: [] as string[],
    error: [] as string[],
  };
  for (const id of [...taskIds].sort()) {
    const r = byTask.get(id);
    if (!r || r.status === 'pending' || r.status === 'running' || r.status === 'cancelled') {
      ids.incomplete.push(id);
      continue;
    }
    ids.submitted.push(id);
    if (r.status === 'error') {
      ids.error.push(id);
      continue;
    }
    const patch = r.patchPath ? readPatch(r.patchPath) : '';
    if (patch.trim() === '') ids.empty_patch.push(id);
    ids.completed.push(id);
    (r.outcome === 'resolved' ? ids.resolved : ids.unresolved).push(id);
  }
  return {
    total_instances: taskIds.length,
    submitted_instances: ids.submitted.length,
    completed_instances: ids.completed.length,
    resolved_instances: ids.resolved.length,
    unresolved_instances: ids.unresolved.length,
    empty_patch_instances: ids.empty_patch.length,
    error_instances: ids.error.length,
    completed_ids: ids.completed,
    incomplete_ids: ids.incomplete,
    empty_patch_ids: ids.empty_patch,
    submitted_ids: ids.submitted,
    resolved_ids: ids.resolved,
    unresolved_ids: ids.unresolved,
    error_ids: ids.error,
    schema_version: 2,
  };
}
