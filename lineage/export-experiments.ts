import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  experimentsJsonl,
  exportStatus,
  type ExperimentExport,
  predictions,
  predictionsJsonl,
  resultsTsv,
  swebenchReport,
} from '../evaluator/export.js';
import { summarize } from '../evaluator/stats/index.js';
import type { StoredRun } from '../evaluator/store.js';
import { agentRunsOf } from './run-store.js';
import { type Workspace, writeFileAtomic } from './workspace.js';

// `evolve export`: the workspace's experiments and runs in formats other tools read (see evaluator/export.ts).

export interface ExportOptions {
  outDir: string;
  /** Default: every experiment. */
  experimentIds?: string[];
}

const readPatch = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8') : '');

/** Lines a change touches: +/- lines of a code patch; a genome change counts one line per changed slot. */
export function diffSize(changeJson: string): number {
  let change: Record<string, unknown>;
  try {
    change = JSON.parse(changeJson) as Record<string, unknown>;
  } catch {
    return 0;
  }
  if (typeof change.patch === 'string')
    return change.patch.split('\n').filter((l) => /^[+-](?![+-]{2})/.test(l)).length;
  if (change.kind === 'root') return 0;
  return Array.isArray(change.slots) ? change.slots.length : 1;
}

export async function exportExperiments(ws: Workspace, options: ExportOptions): Promise<string[]> {
  const { db } = ws;
  let query = db.selectFrom('experiments').selectAll().orderBy('id');
  if (options.experimentIds?.length) query = query.where('id', 'in', options.experimentIds);
  const experiments = await query.execute();
  const rows: ExperimentExport[] = [];
  const written: string[] = [];
  const write = (name: string, content: string) => {
    const file = join(options.outDir, name);
    writeFileAtomic(file, content);
    written.push(file);
  };

  for (const exp of experiments) {
    const runs = await agentRunsOf(db, exp.id);
    const done = runs.filter((r) => r.status === 'done');
    const evaluations = await db
      .selectFrom('evaluations')
      .selectAll()
      .where('experiment_id', '=', exp.id)
      .orderBy('id')
      .execute();
    const decision = await db
      .selectFrom('decisions')
      .select('action')
      .where('experiment_id', '=', exp.id)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    const last = evaluations.at(-1);
    const stopReason = last
      ? ((JSON.parse(last.config) as { result?: { stopReason?: string | null } }).result?.stopReason ?? null)
      : null;
    const summary = done.length
      ? summarize(done.map((r) => ({ taskId: r.taskId, repeat: r.repeat, resolved: r.outcome === 'resolved' })))
      : undefined;
    const sum = (pick: (r: StoredRun) => number | null) =>
      runs.some((r) => pick(r) !== null) ? runs.reduce((s, r) => s + (pick(r) ?? 0), 0) : null;
    const wallMs = evaluations.reduce(
      (s, e) => s + (e.finished_at ? Date.parse(e.finished_at) - Date.parse(e.created_at) : 0),
      0,
    );
    rows.push({
      id: exp.id,
      commit: exp.branch ?? exp.id,
      status: exportStatus({ experimentStatus: exp.status, decision: decision?.action ?? null, stopReason }),
      description: exp.change_summary,
      resolveRate: summary?.resolveRate ?? null,
      ciLo: summary?.interval.lo ?? null,
      ciHi: summary?.interval.hi ?? null,
      tasks: summary?.tasks ?? 0,
      runs: done.length,
      costUsd: sum((r) => r.costUsd),
      tokens: sum((r) =>
        r.inputTokens === null && r.outputTokens === null ? null : (r.inputTokens ?? 0) + (r.outputTokens ?? 0),
      ),
      wallSeconds: evaluations.length ? wallMs / 1000 : null,
      diffSize: diffSize(exp.change),
      parentId: exp.parent_id,
    });
    if (done.length)
      write(join('predictions', `${exp.id}.jsonl`), predictionsJsonl(predictions(runs, `evolve/${exp.id}`, readPatch)));
    for (const ev of evaluations) {
      const taskIds = JSON.parse(ev.task_ids) as string[];
      const evRuns = runs.filter((r) => taskIds.includes(r.taskId));
      write(
        join('reports', `${exp.id}.eval-${ev.id}.${ev.stage}.json`),
        `${JSON.stringify(swebenchReport(taskIds, evRuns, readPatch), null, 2)}\n`,
      );
    }
  }
  write('results.tsv', resultsTsv(rows));
  write('experiments.jsonl', experimentsJsonl(rows));
  return written;
}
