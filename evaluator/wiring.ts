import type { SolverName } from './job.js';
import type { RunOneFn } from './job.js';
import { agentRunner, type AgentRunnerOptions } from './agent-runner.js';
import { gradeTask, gradingMode } from '../tasks/grade.js';
import { PreparedWorkspaces, prepareWorkspace, warmWorkspace } from '../tasks/prepare.js';
import { knownPatch, solve } from '../tasks/solvers.js';
import { makeRunOne } from './run-one.js';
import { type SandboxKind, sandboxProvider } from './sandbox/providers.js';
import type { ImagesConfig } from './images/stand-ins.js';
import { baseImageOf, chosenSandboxSpec, environmentRecord, taskSandboxSpec } from './task-image.js';

// The real modules behind a run: a sandbox provider (./sandbox/providers.ts), the tasks' workspace preparation,
// grading and solvers, and the agent through the gateway. Tests and benchmarks may inject their own runOne.

export interface WiringOptions {
  sandbox: SandboxKind;
  runsDir: string;
  agent?: AgentRunnerOptions;
  /** Label every container carries, so the reaper only touches this workspace's leftovers. */
  workspace?: string;
  /** evolve.json `images` (base image -> local stand-in, pull policy); `root` resolves Dockerfile recipe paths. */
  images?: Partial<ImagesConfig> & { root?: string };
  /** evolve.json `grading`: whether a run flagged for tampering counts as unresolved (default true). */
  grading?: { flaggedRunsUnresolved?: boolean };
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
  const entry = sandboxProvider(options.sandbox);
  const reap = entry.reap;
  const provider = entry.create();
  const prepared = new PreparedWorkspaces();
  const chooser = entry.baseChooser?.(options.images ?? {});
  const runOne = makeRunOne({
    provider,
    runsDir: options.runsDir,
    prepareWorkspace: (task, sandbox) => prepareWorkspace(task, sandbox, prepared),
    warmWorkspace: (task) => warmWorkspace(task, prepared),
    // Every graded run records how its environment was had: the agent's user, the base image pulled or stood in for.
    grade: async (task, sandbox, patch, _signal, evidence) => {
      const graded = await gradeTask(task, sandbox, patch, { ...evidence, ...options.grading });
      const from = chooser && baseImageOf(task);
      const environment = environmentRecord(task, from ? await chooser.choose(from) : undefined);
      return { ...graded, report: { ...graded.report, environment } };
    },
    gradeInPlace: (task) => gradingMode(task) === 'in-place',
    solve: (solver, task, sandbox) => solve(solver, task, sandbox),
    knownPatch,
    runAgent: agentRunner(options.agent),
    // Every container names its workspace, so the reaper can clear exactly this workspace's leftovers.
    sandboxSpec: async (task, labels) => {
      const all = options.workspace ? { ...labels, workspace: options.workspace } : labels;
      return chooser ? (await chosenSandboxSpec(task, all, chooser)).spec : taskSandboxSpec(task, all);
    },
  });
  return {
    runOne,
    dispose: async () => {
      await runOne.settle();
      await prepared.clear();
    },
    ...(reap ? { reap: () => reap(options.workspace) } : {}),
  };
}
