import type { Task } from '../tasks/schema.js';
import { type BudgetStop, budgetExceeded, type GlobalBudget, type EvaluationSpend, type SpendLimit } from './budget.js';
import type { Actor, RunOneFn } from './job.js';
import type { RunOwner, RunResult, RunStatus, RunStore, StoredRun } from './store.js';
import { isStaleWorker } from './worker.js';

// Runs the pending rows of one evaluation with at most `concurrency` in flight. Each run is claimed from the
// store (so several processes can share the work), run with no database transaction open, then recorded.

/** Why an evaluation stopped starting runs (not why a model stopped answering: that is agent/models StopReason). */
export type EvaluationStop = BudgetStop | 'infra_errors' | 'interrupted';

export interface PoolEvent {
  run: StoredRun;
  status: Exclude<RunStatus, 'running'>;
  result: RunResult;
}

export interface PoolContext {
  store: RunStore;
  evaluationId: number;
  experimentId: string;
  owner: RunOwner;
  worker: string;
  actor: Actor;
  tasks: Map<string, Task>;
  runOne: RunOneFn;
  concurrency: number;
  budget?: GlobalBudget;
  /** Limits shared with other evaluations (a generation's, a command's): checked before each run, charged after. */
  limits?: SpendLimit[];
  /** Stop after this many infrastructure errors in a row (default 5). */
  maxConsecutiveInfraErrors: number;
  /** `cancel` aborts runs in flight on interrupt and records them cancelled; `finish` lets them complete. */
  onInterrupt: 'cancel' | 'finish';
  signal?: AbortSignal;
  spend: EvaluationSpend;
  startedAt: number;
  labels: Record<string, string>;
  onStart?: (run: StoredRun) => void;
  onFinish?: (event: PoolEvent) => void;
  /** How often to look again when the remaining rows are held by another live worker. */
  pollMs?: number;
}

export async function runPool(ctx: PoolContext): Promise<EvaluationStop | undefined> {
  const inflight = new Set<Promise<void>>();
  const retried = new Set<number>();
  const cancel = new AbortController();
  const onAbort = () => {
    if (ctx.onInterrupt === 'cancel') cancel.abort(ctx.signal?.reason);
  };
  ctx.signal?.addEventListener('abort', onAbort, { once: true });
  let consecutiveInfra = 0;
  let stop: EvaluationStop | undefined;
  let failure: unknown;

  const execute = async (run: StoredRun) => {
    const task = ctx.tasks.get(run.taskId);
    const t0 = Date.now();
    let result: RunResult;
    try {
      if (!task) throw new Error(`task ${run.taskId} is not in this evaluation's task list`);
      const labels = { ...ctx.labels, 'evolve.run': String(run.id) };
      const job = {
        runId: run.id,
        evaluationId: ctx.evaluationId,
        experimentId: ctx.experimentId,
        task,
        repeat: run.repeat,
        attempt: run.attempts,
        actor: ctx.actor,
        labels,
      };
      result = await ctx.runOne(job, cancel.signal);
    } catch (error) {
      result = {
        outcome: null,
        exitReason: null,
        infraError: { kind: 'internal', message: (error as Error).message ?? String(error) },
        durationMs: Date.now() - t0,
      };
    }
    let status: Exclude<RunStatus, 'running'>;
    if (cancel.signal.aborted) status = 'cancelled';
    else if (result.infraError) {
      consecutiveInfra++;
      // Retried once per invocation; an infra error never becomes a task failure (outcome stays null).
      status = retried.has(run.id) ? 'error' : 'pending';
      retried.add(run.id);
    } else {
      consecutiveInfra = 0;
      status = 'done';
    }
    ctx.spend.dollars += result.costUsd ?? 0;
    ctx.spend.tokens += (result.inputTokens ?? 0) + (result.outputTokens ?? 0);
    for (const l of ctx.limits ?? []) l.charge(result.costUsd, (result.inputTokens ?? 0) + (result.outputTokens ?? 0));
    // A run cut short by an interrupt goes back to pending: nothing of it counts, and the next invocation redoes it.
    await ctx.store.complete(run.id, ctx.worker, status === 'cancelled' ? 'pending' : status, result);
    ctx.onFinish?.({ run, status, result });
  };

  const whyStop = (): EvaluationStop | undefined => stopReason(ctx, consecutiveInfra);

  try {
    for (;;) {
      if (failure) break;
      stop = whyStop();
      if (stop) break;
      if (inflight.size >= ctx.concurrency) {
        await Promise.race(inflight);
        continue;
      }
      const run = await ctx.store.claim(ctx.evaluationId, ctx.worker);
      if (run) {
        ctx.onStart?.(run);
        const p: Promise<void> = execute(run)
          .catch((error: unknown) => {
            failure ??= error;
          })
          .finally(() => inflight.delete(p));
        inflight.add(p);
        continue;
      }
      if (inflight.size > 0) {
        await Promise.race(inflight);
        continue;
      }
      // Nothing pending here: are rows of this evaluation still held by another worker?
      const held = (await ctx.store.list(ctx.owner)).filter(
        (r) => r.evaluationId === ctx.evaluationId && r.status === 'running',
      );
      if (held.length === 0) break;
      await ctx.store.resetStale(ctx.experimentId, { isStale: (w, at) => isStaleWorker(w, at), retryErrors: false });
      await sleep(ctx.pollMs ?? 1000, ctx.signal);
    }
    await Promise.all(inflight);
  } finally {
    ctx.signal?.removeEventListener('abort', onAbort);
  }
  if (failure) throw failure;
  return stop;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Why an evaluation must stop now, if it must: the one rule for the in-process pool and the queued one. */
export function stopReason(
  ctx: Pick<PoolContext, 'signal' | 'maxConsecutiveInfraErrors' | 'spend' | 'startedAt' | 'limits' | 'budget'>,
  consecutiveInfra: number,
): EvaluationStop | undefined {
  if (ctx.signal?.aborted) return 'interrupted';
  if (consecutiveInfra >= ctx.maxConsecutiveInfraErrors) return 'infra_errors';
  ctx.spend.elapsedMs = Date.now() - ctx.startedAt;
  for (const l of ctx.limits ?? []) {
    const over = l.exceeded();
    if (over) return over.stop;
  }
  return budgetExceeded(ctx.budget, ctx.spend);
}
