import { authorGroup, authorshipOf, describeAuthorship } from './authorship.js';
import { spawnSync } from 'node:child_process';
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
import { agentRunsOf } from './db/repos/run-store.js';
import { readExperimentSpend, readSpend, type SpendSummary } from './spend.js';
import { type Workspace, writeFileAtomic } from './workspace.js';
import { championId, championRows, latestDecision } from './db/repos/decisions.js';
import { listExperiments } from './db/repos/experiments.js';
import { taskKinds } from './db/repos/tasks.js';
import { evaluationsOf } from './db/repos/evaluations.js';

// `evolve export`: the workspace's experiments and runs in formats other tools read (see evaluator/export.ts).

export interface ExportOptions {
  outDir: string;
  /** Default: every experiment. */
  experimentIds?: string[];
}

/** What produced this export: the evolve checkout's commit and the workspace's config, so a reviewer can rerun it. */
function manifest(ws: Workspace, experiments: number, spend: SpendSummary) {
  const checkout = join(import.meta.dirname, '..');
  const git = (args: string[]) =>
    spawnSync('git', ['-C', checkout, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
  const head = git(['rev-parse', 'HEAD']);
  const dirty = git(['status', '--porcelain', '--untracked-files=no']);
  return {
    evolve: {
      commit: head.status === 0 ? head.stdout.trim() : null,
      dirty: dirty.status === 0 ? dirty.stdout.trim() !== '' : null,
    },
    exportedAt: new Date().toISOString(),
    workspace: ws.paths.root,
    config: ws.config,
    experiments,
    score: 'resolve_rate and ci_lo/ci_hi are over train-split tasks (task as the unit); heldout is reported apart',
    // The whole workspace's spend: the agent's runs, and the lineage's own model users (proposer, author,
    // self-repair) by purpose; cost_usd per experiment is its runs', lineage_cost_usd the calls made for it.
    spend,
    predictions: 'SWE-bench-format tasks only',
  };
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
  const experiments = await listExperiments(db, options.experimentIds?.length ? options.experimentIds : undefined);
  // Which split and kind each task is, within its own suite: the score is train only, predictions SWE-bench only.
  const taskRows = await taskKinds(db);
  const taskOf = new Map(taskRows.map((t) => [`${t.suite_id}/${t.id}`, t]));
  const splitOf = (r: StoredRun) => taskOf.get(`${r.suiteId}/${r.taskId}`)?.split ?? 'train';
  // A run whose task row is unknown (inserted by hand) is kept: only a task known to be another format is left out.
  const isSwe = (r: StoredRun) => (taskOf.get(`${r.suiteId}/${r.taskId}`)?.kind ?? 'swebench') === 'swebench';
  const champion = await championId(db);
  const everChampion = new Set((await championRows(db)).map((c) => c.id));
  const spendOf = await readExperimentSpend(
    db,
    experiments.map((e) => e.id),
  );
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
    const evaluations = await evaluationsOf(db, exp.id);
    const decision = await latestDecision(db, exp.id);
    const last = evaluations.at(-1);
    const stopReason = last
      ? ((JSON.parse(last.config) as { result?: { stopReason?: string | null } }).result?.stopReason ?? null)
      : null;
    const score = (list: StoredRun[]) =>
      list.length
        ? summarize(list.map((r) => ({ taskId: r.taskId, repeat: r.repeat, resolved: r.outcome === 'resolved' })))
        : undefined;
    const train = done.filter((r) => splitOf(r) === 'train');
    const heldoutRuns = done.filter((r) => splitOf(r) === 'heldout');
    const summary = score(train);
    const heldout = score(heldoutRuns);
    const sum = (pick: (r: StoredRun) => number | null) =>
      runs.some((r) => pick(r) !== null) ? runs.reduce((s, r) => s + (pick(r) ?? 0), 0) : null;
    const wallMs = evaluations.reduce(
      (s, e) => s + (e.finished_at ? Date.parse(e.finished_at) - Date.parse(e.created_at) : 0),
      0,
    );
    rows.push({
      id: exp.id,
      commit: exp.branch ?? exp.id,
      status: exportStatus({
        experimentStatus: exp.status,
        decision: decision?.action ?? null,
        decidedBy: decision?.actor ?? null,
        stopReason,
        isChampion: exp.id === champion,
        wasChampion: everChampion.has(exp.id),
      }),
      description: exp.change_summary,
      resolveRate: summary?.resolveRate ?? null,
      ciLo: summary?.interval.lo ?? null,
      ciHi: summary?.interval.hi ?? null,
      tasks: summary?.tasks ?? 0,
      runs: train.length,
      heldout: heldout
        ? {
            resolveRate: heldout.resolveRate,
            ciLo: heldout.interval.lo,
            ciHi: heldout.interval.hi,
            tasks: heldout.tasks,
            runs: heldoutRuns.length,
          }
        : null,
      costUsd: sum((r) => r.costUsd),
      lineageCostUsd: spendOf.get(exp.id)?.lineageUsd ?? {},
      tokens: sum((r) =>
        r.inputTokens === null && r.outputTokens === null ? null : (r.inputTokens ?? 0) + (r.outputTokens ?? 0),
      ),
      wallSeconds: evaluations.length ? wallMs / 1000 : null,
      diffSize: diffSize(exp.change),
      parentId: exp.parent_id,
      author: { text: describeAuthorship(authorshipOf(exp)), group: authorGroup(authorshipOf(exp)) },
    });
    const swe = runs.filter(isSwe);
    if (swe.some((r) => r.status === 'done'))
      write(join('predictions', `${exp.id}.jsonl`), predictionsJsonl(predictions(swe, `evolve/${exp.id}`, readPatch)));
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
  write('manifest.json', `${JSON.stringify(manifest(ws, rows.length, await readSpend(db)), null, 2)}\n`);
  return written;
}
