import type { Db } from './db/open.js';
import { ExperimentStatus, RunStatus } from './db/schema.js';
import { isStaleWorker } from '../evaluator/worker.js';
import { readSpend, type SpendSummary } from './spend.js';
import { championHistory, sparkline } from './champion-history.js';
import { countByStatus } from './db/repos/experiments.js';
import { championRows } from './db/repos/decisions.js';
import { latestGeneration } from './db/repos/generations.js';
import { countRunsByStatus, runningRuns } from './db/repos/runs.js';

export interface WorkspaceStatus {
  experiments: Record<string, number>;
  champion: { id: string; score: number | null; since: string } | null;
  lastGeneration: { id: number; parent: string; status: string; startedAt: string } | null;
  /** By status; `interrupted` counts rows left `running` by a process that is gone (the next command resumes them). */
  runs: Record<string, number>;
  /** Dollars spent: the agent's runs apart from the lineage's own model users (proposers, authors, self-repair). */
  spend: SpendSummary;
  /** The champion's score at the end of each generation (0: the root), and as a sparkline. */
  byGeneration: { scores: Array<number | null>; sparkline: string };
}

export async function workspaceStatus(db: Db): Promise<WorkspaceStatus> {
  const experiments = Object.fromEntries(ExperimentStatus.options.map((s) => [s, 0])) as Record<string, number>;
  for (const [status, n] of await countByStatus(db)) experiments[status] = n;
  const runs = Object.fromEntries(RunStatus.options.map((s) => [s, 0])) as Record<string, number>;
  for (const [status, n] of await countRunsByStatus(db)) if (status !== 'running') runs[status] = n;
  // A row marked running is only running while its process lives: a killed command's rows are interrupted.
  runs.interrupted = 0;
  for (const r of await runningRuns(db)) {
    if (isStaleWorker(r.worker, r.started_at)) runs.interrupted++;
    else runs.running = (runs.running ?? 0) + 1;
  }
  const champ = (await championRows(db)).at(-1);
  const gen = await latestGeneration(db);
  return {
    experiments,
    champion: champ ?? null,
    lastGeneration: gen ? { id: gen.id, parent: gen.parent_id, status: gen.status, startedAt: gen.started_at } : null,
    runs,
    spend: await readSpend(db),
    byGeneration: await scoresByGeneration(db),
  };
}

export async function scoresByGeneration(db: Db): Promise<{ scores: Array<number | null>; sparkline: string }> {
  const scores = (await championHistory(db)).map((h) => h.score);
  return { scores, sparkline: sparkline(scores) };
}
