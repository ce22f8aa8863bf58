import { gradingOutcome } from '../tasks/outcome.js';
import type { Task } from '../tasks/schema.js';
import type { RunJob, RunOneFn } from './job.js';
import type { RunResult } from './store.js';
import { defaultConcurrency } from './budget.js';

// Validates a suite by running two reference solvers on every task: the oracle (gold patch or solution script)
// must resolve it, and the null solver (no change) must not. A task that fails either check cannot tell a good
// agent from a bad one, so it is reported.

export interface TaskValidation {
  taskId: string;
  /** `timeout`: the solver or the tests ran past the task's timeout, told apart from a wrong answer. */
  oracle: 'resolved' | 'unresolved' | 'timeout' | 'error';
  null: 'resolved' | 'unresolved' | 'timeout' | 'error';
  ok: boolean;
  problems: string[];
}

/** Null "passes" when a SWE-bench task's FAIL_TO_PASS tests already pass with no change, or a Terminal-Bench task resolves. */
function nullPassed(result: Awaited<ReturnType<RunOneFn>>): boolean {
  return result.outcome === 'resolved' || gradingOutcome(result.report).anyFixPasses;
}

const testsTimedOut = (r: Awaited<ReturnType<RunOneFn>>) => gradingOutcome(r.report).testTimeout;

export async function validateTasks(
  tasks: Task[],
  runOne: RunOneFn,
  options: {
    concurrency?: number;
    signal?: AbortSignal;
    onResult?: (v: TaskValidation) => void;
    /** Each solver's run as it ends (the CLI keeps it beside the run's files). */
    onRun?: (task: Task, job: RunJob, result: RunResult) => void;
  } = {},
): Promise<TaskValidation[]> {
  const signal = options.signal ?? new AbortController().signal;
  const queue = [...tasks];
  const out: TaskValidation[] = [];
  let runId = 0;
  const one = async (task: Task): Promise<TaskValidation> => {
    const run = async (solver: 'oracle' | 'null') => {
      const job: RunJob = {
        runId: --runId,
        evaluationId: 0,
        experimentId: `validate-${solver}`,
        task,
        repeat: 0,
        attempt: 1,
        actor: { kind: 'solver', solver },
        labels: { 'evolve.role': 'validate' },
      };
      const result = await runOne(job, signal);
      options.onRun?.(task, job, result);
      return result;
    };
    const oracle = await run('oracle');
    const none = await run('null');
    const problems: string[] = [];
    const limits = `agent timeout ${task.limits.agentTimeoutSec} s, test timeout ${task.limits.testTimeoutSec} s`;
    if (oracle.infraError?.kind === 'timeout') problems.push(`oracle timed out: ${oracle.infraError.message}`);
    else if (oracle.infraError) problems.push(`oracle run failed: ${oracle.infraError.message}`);
    else if (testsTimedOut(oracle))
      problems.push(`oracle: the tests timed out after ${task.limits.testTimeoutSec} s (${limits})`);
    else if (oracle.outcome !== 'resolved')
      problems.push(`oracle does not resolve it: ${JSON.stringify(oracle.report).slice(0, 3000)}`);
    if (none.infraError) problems.push(`null run failed: ${none.infraError.message}`);
    else if (nullPassed(none)) problems.push('passes (or FAIL_TO_PASS tests pass) with no change');
    const status = (r: typeof oracle): TaskValidation['oracle'] =>
      r.infraError?.kind === 'timeout' || testsTimedOut(r)
        ? 'timeout'
        : r.infraError
          ? 'error'
          : r.outcome === 'resolved'
            ? 'resolved'
            : 'unresolved';
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
