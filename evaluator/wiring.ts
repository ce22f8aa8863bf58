import type { SolverName } from './job.js';
import type { RunOneFn } from './job.js';
import { agentRunner, type AgentRunnerOptions } from './agent-runner.js';
import { EvaluateError } from './evaluate.js';

// The real modules behind a run: a sandbox provider (docker or local), the tasks' workspace preparation,
// grading and solvers, and the agent through the gateway. Tests and benchmarks may inject their own runOne.

export interface WiringOptions {
  sandbox: 'docker' | 'local';
  runsDir: string;
  agent?: AgentRunnerOptions;
  /** Label every container carries, so the reaper only touches this workspace's leftovers. */
  workspace?: string;
}

export interface Wiring {
  runOne: RunOneFn;
  /** Removes containers left by dead workers. */
  reap?: () => Promise<unknown>;
  dispose?: () => Promise<void>;
}

export type { SolverName };

export async function wireRuns(options: WiringOptions): Promise<Wiring> {
  void agentRunner(options.agent);
  throw new EvaluateError(
    `the ${options.sandbox} sandbox provider and task graders are not wired into the evaluator yet`,
    'This build of evolve is incomplete: evaluator/wiring.ts still waits for evaluator/sandbox and tasks/grading.',
  );
}
