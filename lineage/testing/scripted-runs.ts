import { appendFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import type { RunOneFn } from '../../evaluator/job.js';

// A scripted run for cluster tests and bench/cluster: it takes `ms`, its outcome is a fixed function of the task and
// repeat (so a queued evaluation can be compared with an in-process one), it costs a fixed amount, and each finished
// run appends "runId pid" to `log` (when given), so a test can count how often each run really completed. A cancelled
// run takes `teardownMs` more to return (a container being removed), so a test can tell a release at the stop from
// one at the run's end.

export function scriptedOutcome(taskId: string, repeat: number): 'resolved' | 'unresolved' {
  return createHash('sha256').update(`${taskId}#${repeat}`).digest()[0]! % 2 === 0 ? 'resolved' : 'unresolved';
}

export function scriptedRunOne(ms: number, log?: string, teardownMs = 0): RunOneFn {
  return async (job, signal) => {
    const t0 = Date.now();
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(t);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const t = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
    });
    if (signal.aborted) {
      await new Promise((r) => setTimeout(r, teardownMs));
      return { outcome: null, exitReason: 'cancelled', durationMs: Date.now() - t0 };
    }
    if (log) appendFileSync(log, `${job.runId} ${process.pid}\n`);
    return {
      outcome: scriptedOutcome(job.task.id, job.repeat),
      exitReason: 'submitted',
      inputTokens: 100,
      outputTokens: 10,
      costUsd: 0.001,
      steps: 1,
      durationMs: Date.now() - t0,
    };
  };
}
