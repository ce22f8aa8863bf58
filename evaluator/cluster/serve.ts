import type { RunJob, RunOneFn } from '../job.js';
import type { RunResult, RunStatus, RunStore } from '../store.js';
import { sleep } from '../pool.js';
import { workerId } from '../worker.js';
import { RunPayload } from './payload.js';
import { type Job, queueName, type RunQueue } from './queue.js';

// `evolve worker`: takes queued runs (up to `concurrency` at a time) from the queues of its labels, runs each with
// the same runOne the in-process evaluator uses, and records the result on the run's row. The row decides, not the
// queue: a run is taken only while pending (or still held under the same job after a lapsed lease), and a result is
// written only while this worker holds the row, so a run completes exactly once however often its job is handed out.

export interface WorkerRuns {
  store: RunStore;
  runOne: RunOneFn;
}

export interface ServeOptions {
  queue: RunQueue;
  concurrency: number;
  /** Worker labels; `default` (or none given) is the unlabelled queue. */
  labels?: string[];
  /** The store and runner for a payload's workspace, sandbox kind and storage key (opened once, then reused). */
  resolve(payload: RunPayload): Promise<WorkerRuns>;
  signal: AbortSignal;
  /** How long to wait before asking again when every queue was empty. */
  idleMs?: number;
  onEvent?(event: WorkerEvent): void;
}

export type WorkerEvent =
  | { type: 'start'; payload: RunPayload; attempt: number }
  | { type: 'finish'; payload: RunPayload; status: Exclude<RunStatus, 'running'>; result: RunResult }
  | { type: 'skip'; payload: RunPayload; reason: string }
  | { type: 'bad-job'; queue: string; id: string; message: string };

export function queuesFor(labels: string[] | undefined): string[] {
  const list = labels && labels.length > 0 ? labels : ['default'];
  return [...new Set(list.map((l) => queueName(l === 'default' ? undefined : l)))];
}

/** A run this worker holds: what it takes to hand it back. */
interface Held {
  job: Job<unknown>;
  store: RunStore;
  runId: number;
  me: string;
  t0: number;
  released?: Promise<void>;
}

/**
 * Serves until `signal` aborts. Then the runs in flight are put back at once (their rows to pending, their jobs
 * acknowledged, so the orchestrator queues them again for another worker without waiting for a lease to lapse) and
 * cancelled; the worker returns once they have wound down (a late result is not written: the row is no longer its).
 */
export async function serveRuns(options: ServeOptions): Promise<{ finished: number }> {
  const queues = queuesFor(options.labels);
  const inflight = new Set<Promise<void>>();
  const cancel = new AbortController();
  const running = new Map<string, Held>();
  const release = (h: Held): Promise<void> =>
    (h.released ??= h.store
      .complete(h.runId, h.me, 'pending', { outcome: null, exitReason: 'cancelled', durationMs: Date.now() - h.t0 })
      .then(() => options.queue.complete(h.job.queue, h.job.id))
      .catch(() => undefined)); // not released: the lease lapses and another worker takes it over then
  const releasing = new Set<Promise<void>>();
  const onAbort = () => {
    for (const h of running.values()) releasing.add(release(h));
    cancel.abort(options.signal.reason);
  };
  options.signal.addEventListener('abort', onAbort, { once: true });
  let finished = 0;
  let failure: unknown;
  const held = new Map<string, Job<unknown>>();
  const acks = new Set<Promise<void>>();
  const renewing = setInterval(
    () => {
      for (const queue of queues) {
        const ids = [...held.values()].filter((j) => j.queue === queue).map((j) => j.id);
        options.queue.renew(queue, ids).catch(() => undefined); // a missed renewal is retried at the next beat
      }
    },
    Math.max(500, (options.queue.leaseSeconds * 1000) / 3),
  );

  const handle = async (job: Job<unknown>) => {
    const parsed = RunPayload.safeParse(job.data);
    if (!parsed.success) {
      const message = `job ${job.id} on ${job.queue} is not a run: ${parsed.error.issues[0]?.message}`;
      options.onEvent?.({ type: 'bad-job', queue: job.queue, id: job.id, message });
      await options.queue.fail(job.queue, job.id, message);
      return;
    }
    const payload = parsed.data;
    const { store, runOne } = await options.resolve(payload);
    const me = `${workerId()}#${job.id}`;
    const row = await store.claimRun(payload.runId, me, job.id);
    if (!row) {
      options.onEvent?.({ type: 'skip', payload, reason: 'done, or held under another job' });
      await options.queue.complete(job.queue, job.id);
      return;
    }
    const mine: Held = { job, store, runId: payload.runId, me, t0: Date.now() };
    if (cancel.signal.aborted) {
      await release(mine); // stopped while claiming: straight back
      return;
    }
    running.set(job.id, mine);
    options.onEvent?.({ type: 'start', payload, attempt: row.attempts });
    const runJob: RunJob = {
      runId: payload.runId,
      evaluationId: payload.evaluationId,
      experimentId: payload.experimentId,
      task: payload.task,
      repeat: payload.repeat,
      attempt: row.attempts,
      actor: payload.actor,
      labels: { ...payload.labels, 'evolve.run': String(payload.runId), 'evolve.worker': me },
    };
    let result: RunResult;
    try {
      result = await runOne(runJob, cancel.signal);
    } catch (error) {
      result = {
        outcome: null,
        exitReason: null,
        infraError: { kind: 'internal', message: (error as Error).message ?? String(error) },
        durationMs: Date.now() - mine.t0,
      };
    }
    running.delete(job.id);
    if (mine.released) {
      // Stopping: the row went back to pending when the stop came; this late result is not the run's.
      await mine.released;
      options.onEvent?.({ type: 'finish', payload, status: 'pending', result });
      return;
    }
    const status: Exclude<RunStatus, 'running'> = result.infraError
      ? payload.retryInfra
        ? 'pending'
        : 'error'
      : 'done';
    await store.complete(payload.runId, me, status, result);
    // The row is the record, so the slot is free now; the job's acknowledgement goes on beside the next fetch (a
    // worker that dies before it lands leaves a job whose run is done, skipped when it is handed out again).
    const ack: Promise<void> = options.queue
      .complete(job.queue, job.id)
      .catch(() => undefined)
      .finally(() => acks.delete(ack));
    acks.add(ack);
    finished++;
    options.onEvent?.({ type: 'finish', payload, status, result });
  };

  try {
    while (!options.signal.aborted && !failure) {
      let took = 0;
      for (const queue of queues) {
        const free = options.concurrency - inflight.size;
        if (free <= 0) break;
        const jobs = await options.queue.fetch<unknown>(queue, free);
        took += jobs.length;
        for (const job of jobs) {
          held.set(job.id, job);
          const p: Promise<void> = handle(job)
            .catch(async (error: unknown) => {
              // Not this worker's to decide (its workspace did not open, the database went away): the job goes back
              // to the queue, its row is taken over under the same job when it comes round again.
              const message = `job ${job.id}: ${(error as Error).message ?? String(error)}`;
              options.onEvent?.({ type: 'bad-job', queue: job.queue, id: job.id, message });
              await options.queue.fail(job.queue, job.id, message).catch((e: unknown) => {
                failure ??= e;
              });
            })
            .finally(() => {
              held.delete(job.id);
              inflight.delete(p);
            });
          inflight.add(p);
        }
      }
      if (inflight.size >= options.concurrency) await Promise.race(inflight);
      else if (took === 0) await Promise.race([...inflight, sleep(options.idleMs ?? 500, options.signal)]);
    }
    await Promise.all(inflight);
    await Promise.all([...acks, ...releasing]);
  } finally {
    clearInterval(renewing);
    options.signal.removeEventListener('abort', onAbort);
  }
  if (failure) throw failure;
  return { finished };
}
