import type { SolverName } from './job.js';
import type { RunOneFn } from './job.js';
import { agentRunner, type AgentRunnerOptions } from './agent-runner.js';
import { gradeTask, gradingMode } from '../tasks/grade.js';
import { PreparedWorkspaces, prepareWorkspace, warmWorkspace } from '../tasks/prepare.js';
import { knownPatch, solve } from '../tasks/solvers.js';
import { makeRunOne } from './run-one.js';
import { DockerProvider } from './sandbox/docker.js';
import { LocalProvider } from './sandbox/local.js';
import { reapLeftovers } from './sandbox/reaper.js';
import { taskSandboxSpec } from './task-image.js';

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
  /** Waits for the sandboxes runs let go of (killed after their result, off the run's path); drops host copies. */
  dispose?: () => Promise<void>;
}

export type { SolverName };

export async function wireRuns(options: WiringOptions): Promise<Wiring> {
  const provider = options.sandbox === 'docker' ? new DockerProvider() : new LocalProvider();
  const prepared = new PreparedWorkspaces();
  const runOne = makeRunOne({
    provider,
    runsDir: options.runsDir,
    prepareWorkspace: (task, sandbox) => prepareWorkspace(task, sandbox, prepared),
    warmWorkspace: (task) => warmWorkspace(task, prepared),
    grade: (task, sandbox, patch) => gradeTask(task, sandbox, patch),
    gradeInPlace: (task) => gradingMode(task) === 'in-place',
    solve: (solver, task, sandbox) => solve(solver, task, sandbox),
    knownPatch,
    runAgent: agentRunner(options.agent),
    // Every container names its workspace, so the reaper can clear exactly this workspace's leftovers.
    sandboxSpec: (task, labels) =>
      taskSandboxSpec(task, options.workspace ? { ...labels, workspace: options.workspace } : labels),
  });
  return {
    runOne,
    dispose: async () => {
      await runOne.settle();
      await prepared.clear();
    },
    ...(options.sandbox === 'docker'
      ? { reap: () => reapLeftovers(options.workspace ? { workspace: options.workspace } : {}) }
      : {}),
  };
}
