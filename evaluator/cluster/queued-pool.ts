import { randomUUID } from 'node:crypto';
import type { Task } from '../../tasks/schema.js';
import { type EvaluationStop, type PoolContext, sleep, stopReason } from '../pool.js';
import type { RunResult, StoredRun } from '../store.js';
import type { RunPayload } from './payload.js';
import { type Job, jobId, queueName, type RunQueue } from './queue.js';

// The orchestrator's half of a queued evaluation: instead of running the pending rows itself (pool.ts), it queues
// one job per pending row and follows the rows in the database until none is pending or running, reporting each
// start and finish as the in-process pool does (progress, spend, budgets, consecutive infrastructure errors).

export interface RemoteRuns {
  queue: RunQueue;
  /** Where the workers find the run's workspace and put its files; which sandbox it asked for. */
  workspace: string;
  sandbox: string;
  storageKey: string;
  /** The worker label a task's runs need (evolve.json cluster.labels by suite); undefined: any worker. */
  labelOf?(task: Task): string | undefined;
  /** How often the rows are read. */
  pollMs?: number;
}

export type QueuedPoolContext = Omit<PoolContext, 'runOne' | 'pollMs'> & { remote: RemoteRuns };

const resultOf = (r: StoredRun): RunResult => ({
  outcome: r.outcome,
  exitReason: r.exitReason,
  ...(r.infraError ? { infraError: r.infraError } : {}),
  ...(r.inputTokens !== null ? { inputTokens: r.inputTokens } : {}),
  ...(r.outputTokens !== null ? { outputTokens: r.outputTokens } : {}),
  ...(r.costUsd !== null ? { costUsd: r.costUsd } : {}),
  durationMs: r.durationMs ?? 0,
});

export async function runQueuedPool(ctx: QueuedPoolContext): Promise<EvaluationStop | undefined> {
  const { remote } = ctx;
  // Job ids are (this invocation, run, attempt): queueing again in a poll inserts nothing new, and a resumed
  // evaluation queues afresh what an interrupted one took back.
  const invocation = randomUUID();
  const queued = new Map<number, Job<RunPayload>>();
  const retried = new Set<number>();
  const seen = new Map<number, StoredRun>();
  let consecutiveInfra = 0;
  let stop: EvaluationStop | undefined;

  const whyStop = (): EvaluationStop | undefined => stopReason(ctx, consecutiveInfra);

  const jobFor = (row: StoredRun): Job<RunPayload> | undefined => {
    const task = ctx.tasks.get(row.taskId);
    if (!task) return undefined;
    const label = remote.labelOf?.(task);
    return {
      id: jobId(`${invocation}/${row.id}/${row.attempts}`),
      queue: queueName(label),
      data: {
        v: 1,
        workspace: remote.workspace,
        sandbox: remote.sandbox,
        storageKey: remote.storageKey,
        runId: row.id,
        evaluationId: ctx.evaluationId,
        experimentId: ctx.experimentId,
        task,
        repeat: row.repeat,
        actor: ctx.actor,
        labels: ctx.labels,
        retryInfra: !retried.has(row.id),
      },
    };
  };

  for (;;) {
    const rows = await ctx.store.listEvaluation(ctx.evaluationId);
    for (const row of rows) {
      const before = seen.get(row.id);
      seen.set(row.id, row);
      if (!before) {
        if (row.status === 'running') ctx.onStart?.(row);
        continue;
      }
      const again = row.attempts !== before.attempts;
      if (row.status === 'running') {
        if (before.status === 'running' && !again) continue;
        // Taken over after a lapsed lease: the earlier attempt ended without a result.
        if (before.status === 'running') reportEnd(before, { ...row, status: 'pending', infraError: null });
        ctx.onStart?.(row);
      } else if (before.status === 'running' || again) {
        if (before.status !== 'running') ctx.onStart?.(row); // started and finished between two looks
        reportEnd(before, row);
      }
    }
    stop ??= whyStop();
    if (stop) break;
    const fresh: Job<RunPayload>[] = [];
    for (const row of rows) {
      if (row.status !== 'pending') continue;
      const job = jobFor(row);
      if (!job || queued.get(row.id)?.id === job.id) continue;
      queued.set(row.id, job);
      fresh.push(job);
    }
    await remote.queue.enqueue(fresh);
    if (!rows.some((r) => r.status === 'pending' || r.status === 'running')) break;
    await sleep(remote.pollMs ?? 500, ctx.signal);
  }
  // Stopped early: what no worker has taken yet is taken back; runs already running finish and are recorded.
  if (stop) {
    const rows = await ctx.store.listEvaluation(ctx.evaluationId);
    const waiting = rows.filter((r) => r.status === 'pending').flatMap((r) => queued.get(r.id) ?? []);
    for (const queue of new Set(waiting.map((j) => j.queue)))
      await remote.queue.cancel(
        queue,
        waiting.filter((j) => j.queue === queue).map((j) => j.id),
      );
  }
  return stop;

  function reportEnd(before: StoredRun, row: StoredRun) {
    const result = resultOf(row);
    const infra = row.infraError !== null && row.status !== 'done';
    if (row.status === 'done') consecutiveInfra = 0;
    else if (infra) {
      consecutiveInfra++;
      retried.add(row.id);
    }
    if (row.status === 'done' || row.status === 'error') {
      ctx.spend.dollars += row.costUsd ?? 0;
      ctx.spend.tokens += (row.inputTokens ?? 0) + (row.outputTokens ?? 0);
      for (const l of ctx.limits ?? [])
        l.charge(row.costUsd ?? undefined, (row.inputTokens ?? 0) + (row.outputTokens ?? 0));
    }
    const status = row.status === 'running' ? 'pending' : row.status;
    ctx.onFinish?.({ run: before, status, result });
  }
}
