import type { Task } from '../tasks/schema.js';
import type { RunOneFn } from './job.js';
import { defaultConcurrency } from './budget.js';

// Validates a suite by running two reference solvers on every task: the oracle (gold patch or solution script)
// must resolve it, and the null solver (no change) must not. A task that fails either check cannot tell a good
// agent from a bad one, so it is reported.

export interface TaskValidation {
  taskId: string;
  oracle: 'resolved' | 'unresolved' | 'error';
  null: 'resolved' | 'unresolved' | 'error';
  ok: boolean;
  problems: string[];
}

/** Null "passes" when a SWE-bench task's FAIL_TO_PASS tests already pass with no change, or a Terminal-Bench task resolves. */
function nullPassed(result: Awaited<ReturnType<RunOneFn>>): boolean {
  if (result.outcome === 'resolved') return true;
  const f2p = (result.report as { tests_status?: { FAIL_TO_PASS?: { success: string[] } } } | undefined)?.tests_status
    ?.FAIL_TO_PASS;
  return (f2p?.success.length ?? 0) > 0;
}

export async function validateTasks(
  tasks: Task[],
  runOne: RunOneFn,
  options: { concurrency?: number; signal?: AbortSignal; onResult?: (v: TaskValidation) => void } = {},
): Promise<TaskValidation[]> {
  const signal = options.signal ?? new AbortController().signal;
  const queue = [...tasks];
  const out: TaskValidation[] = [];
  let runId = 0;
  const one = async (task: Task): Promise<TaskValidation> => {
    const run = (solver: 'oracle' | 'null') =>
      runOne(
        {
          runId: --runId,
          evaluationId: 0,
          experimentId: `validate-${solver}`,
          task,
          repeat: 0,
          attempt: 1,
          actor: { kind: 'solver', solver },
          labels: { 'evolve.role': 'validate' },
        },
        signal,
      );
    const oracle = await run('oracle');
    const none = await run('null');
    const problems: string[] = [];
    if (oracle.infraError) problems.push(`oracle run failed: ${oracle.infraError.message}`);
    else if (oracle.outcome !== 'resolved')
      problems.push(`oracle does not resolve it: ${JSON.stringify(oracle.report).slice(0, 3000)}`);
    if (none.infraError) problems.push(`null run failed: ${none.infraError.message}`);
    else if (nullPassed(none)) problems.push('passes (or FAIL_TO_PASS tests pass) with no change');
    const status = (r: typeof oracle) =>
      r.infraError ? 'error' : r.outcome === 'resolved' ? 'resolved' : 'unresolved';
    return { taskId: task.id, oracle: status(oracle), null: status(none), ok: problems.length === 0, problems };
  };
  const workers = Array.from({ length: Math.max(1, options.concurrency ?? defaultConcurrency()) }, async () => {
    for (let task = queue.shift(); task && !signal.aborted; task = queue.shift()) {
      const v = await one(task);
      out.push(v);
      options.onResult?.(v);
    }
  });
  await Promise.all(workers);
  return out.sort((a, b) => a.taskId.localeCompare(b.taskId));
}
