import type { Db } from './db/open.js';
import { readChampionId } from './read.js';
import { listExperiments } from './db/repos/experiments.js';
import { evaluationsOf, experimentsBeingEvaluated } from './db/repos/evaluations.js';
import { readGenerationConfig, runningGeneration } from './db/repos/generations.js';
import { runCountsOfEvaluations, runningRunsOfEvaluations } from './db/repos/runs.js';

// What is being evaluated right now, for the live view: the running generation (champion, parent and every
// child, including those not started yet) and any evaluation started by `evolve eval`. Counts come from the runs
// of each experiment's current evaluation, so the queries stay on indexes however large the lineage is.

export interface ExperimentProgress {
  experimentId: string;
  role: 'champion' | 'parent' | 'child' | 'eval';
  change: string;
  status: string;
  /** Runs the current evaluation plans (tasks x repeats); null while the experiment waits its turn. */
  total: number | null;
  /** Finished with a verdict, including runs reused from an earlier evaluation on the same tasks. */
  done: number;
  resolved: number;
  running: number;
  /** Runs that ended in an infrastructure error or were cancelled. */
  failed: number;
  pending: number;
  /** The current evaluation queued its runs for cluster workers (`evolve worker`): pending runs wait in the queue. */
  queued: boolean;
  costUsd: number;
  /** Seconds until this experiment's runs are done at the rate so far; null until a run finished here. */
  etaSec: number | null;
}

export interface LiveState {
  generation: { id: number; parentId: string; startedAt: string } | null;
  experiments: ExperimentProgress[];
  costUsd: number;
  /** Seconds until everything listed is done (waiting children estimated from finished ones); null if unknown. */
  etaSec: number | null;
  /** Newest start or finish of any listed run, to tell a live evaluation from one whose process died. */
  lastActivity: string | null;
  /** The processes running the listed runs now (pid@host; cluster workers and in-process evaluators alike). */
  workers: WorkerProgress[];
}

export interface WorkerProgress {
  worker: string;
  running: number;
  experiments: string[];
}

type EvalRow = {
  id: number;
  experiment_id: string;
  task_ids: string;
  repeats: number;
  status: string;
  config: string;
  created_at: string;
  finished_at: string | null;
};

export async function readLiveState(db: Db, at: Date = new Date()): Promise<LiveState> {
  const gen = await runningGeneration(db);
  const running = await experimentsBeingEvaluated(db);
  const roles = new Map<string, ExperimentProgress['role']>();
  if (gen) {
    const champion = await readChampionId(db);
    if (champion) roles.set(champion, 'champion');
    if (!roles.has(gen.parent_id)) roles.set(gen.parent_id, 'parent');
    for (const c of readGenerationConfig(gen.config, gen.id).children) roles.set(c, 'child');
  }
  for (const id of running) if (!roles.has(id)) roles.set(id, 'eval');
  const ids = [...roles.keys()];
  if (ids.length === 0)
    return { generation: null, experiments: [], costUsd: 0, etaSec: null, lastActivity: null, workers: [] };

  const experiments = new Map((await listExperiments(db, ids)).map((e) => [e.id, e]));
  const evals: EvalRow[] = await evaluationsOf(db, ids);
  // The current evaluation of each experiment: a running one, else the newest.
  const current = new Map<string, EvalRow>();
  for (const e of evals) if (current.get(e.experiment_id)?.status !== 'running') current.set(e.experiment_id, e);
  const evalIds = [...current.values()].map((e) => e.id);
  const counts = await runCountsOfEvaluations(db, evalIds);
  // Who holds the running rows: a cluster worker's row names its job after '#', one process however many it holds.
  const holders = await runningRunsOfEvaluations(db, evalIds);
  const workers = new Map<string, WorkerProgress>();
  for (const h of holders) {
    const id = (h.worker ?? 'unknown').split('#')[0]!;
    const w = workers.get(id) ?? { worker: id, running: 0, experiments: [] };
    w.running++;
    if (!w.experiments.includes(h.experiment_id)) w.experiments.push(h.experiment_id);
    workers.set(id, w);
  }

  let lastActivity: string | null = null;
  const out: ExperimentProgress[] = [];
  const durations: number[] = [];
  for (const id of ids) {
    const e = experiments.get(id);
    const ev = current.get(id);
    const p: ExperimentProgress = {
      experimentId: id,
      role: roles.get(id)!,
      change: e?.change_summary ?? '',
      status: e?.status ?? 'unknown',
      total: null,
      done: 0,
      resolved: 0,
      running: 0,
      failed: 0,
      pending: 0,
      queued: false,
      costUsd: 0,
      etaSec: null,
    };
    out.push(p);
    if (!ev) continue;
    p.total = (JSON.parse(ev.task_ids) as unknown[]).length * ev.repeats;
    p.queued = (JSON.parse(ev.config) as { cluster?: boolean }).cluster === true;
    let first: string | null = null;
    let finishedHere = 0;
    for (const c of counts.filter((c) => c.evaluation_id === ev.id)) {
      const n = Number(c.n);
      if (c.status === 'done') {
        finishedHere += n;
        if (c.outcome === 'resolved') p.resolved += n;
      } else if (c.status === 'running') p.running += n;
      else if (c.status === 'pending') p.pending += n;
      else p.failed += n;
      p.costUsd += Number(c.cost);
      if (c.status !== 'pending' && c.first && (!first || c.first < first)) first = c.first;
      if (c.last && (!lastActivity || c.last > lastActivity)) lastActivity = c.last;
    }
    if (finishedHere + p.failed > 0 && first !== null) {
      const elapsed = Math.max(0, (at.getTime() - Date.parse(first)) / 1000);
      p.etaSec = Math.round((elapsed / (finishedHere + p.failed)) * (p.pending + p.running));
    }
    p.done = Math.max(0, p.total - p.running - p.pending - p.failed);
    if (ev.status !== 'running' && ev.finished_at && gen && ev.created_at >= gen.started_at)
      durations.push((Date.parse(ev.finished_at) - Date.parse(ev.created_at)) / 1000);
  }
  const waiting = out.filter((p) => p.total === null).length;
  const active = out.filter((p) => p.pending + p.running > 0);
  const perExperiment = durations.length ? durations.reduce((s, d) => s + d, 0) / durations.length : null;
  const etaSec =
    active.some((p) => p.etaSec === null) || (waiting > 0 && perExperiment === null)
      ? null
      : active.reduce((s, p) => s + (p.etaSec ?? 0), 0) + waiting * (perExperiment ?? 0);
  return {
    generation: gen ? { id: gen.id, parentId: gen.parent_id, startedAt: gen.started_at } : null,
    experiments: out,
    costUsd: out.reduce((s, p) => s + p.costUsd, 0),
    etaSec: active.length === 0 && waiting === 0 ? 0 : etaSec,
    lastActivity,
    workers: [...workers.values()].sort((a, b) => (a.worker < b.worker ? -1 : a.worker > b.worker ? 1 : 0)),
  };
}
