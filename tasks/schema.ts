import { z } from 'zod';

// A task as evolve stores it. Only `agentView(task)` ever reaches the agent: the grader block (hidden tests,
// test patch) and the gold solution stay on the evaluator side.

export const TaskKind = z.enum(['swebench', 'terminal-bench']);
export type TaskKind = z.infer<typeof TaskKind>;

export const Difficulty = z.enum(['easy', 'medium', 'hard']);

/** How the container image is obtained: an existing tag, or a Dockerfile recipe built through the image cache. */
export const Environment = z.strictObject({
  image: z.string().optional(),
  dockerfile: z.string().optional(),
  /** Extra build-context files for the Dockerfile, path -> text. */
  files: z.record(z.string(), z.string()).optional(),
  /** Host folder whose files form the build context (Terminal-Bench tasks COPY inputs from it). */
  contextDir: z.string().optional(),
  /** Context paths the image must never hold (hidden tests, solutions): left out of the build context. */
  contextExclude: z.array(z.string()).optional(),
  /** For a Dockerfile: the build context also holds repo.tar, the repository's files at this commit. */
  repoSnapshot: z.strictObject({ repo: z.string(), commit: z.string() }).optional(),
  /** What to tell the user when the image is neither here nor pullable (how else to give an environment). */
  missingImageHelp: z.string().optional(),
  workdir: z.string().default('/testbed'),
  network: z.boolean().default(false),
  /**
   * The user the agent works as. Unset: root for Terminal-Bench and Harbor tasks (their harnesses run the agent as
   * the image's user, root unless it says otherwise), `agent` for SWE-bench ones. Set by the task (Harbor's
   * [agent] user, a Dockerfile USER) or by the suite in evolve.json.
   */
  agentUser: z.string().min(1).optional(),
  /** Containers besides the agent's that the task's docker-compose.yaml starts (evolve does not start them). */
  services: z.array(z.string()).optional(),
});

/** How the workspace is put in place before the agent starts. */
export const WorkspacePrep = z.discriminatedUnion('kind', [
  /** A git repository (local path or mirror; a URL only with network), reset to baseCommit as the SWE-bench harness does. */
  z.strictObject({ kind: z.literal('git'), repo: z.string(), baseCommit: z.string() }),
  /** A host folder copied in and committed as the base. */
  z.strictObject({ kind: z.literal('dir'), path: z.string() }),
  /** The image already holds the workspace (Terminal-Bench); it is committed as the base. */
  z.strictObject({ kind: z.literal('image') }),
]);

export const Grader = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('swebench'),
    testPatch: z.string(),
    /** Command that runs the hidden tests and prints a log the parser understands. */
    testCommand: z.string(),
    logParser: z.string().default('pytest'),
    failToPass: z.array(z.string()),
    passToPass: z.array(z.string()),
  }),
  z.strictObject({
    kind: z.literal('terminal-bench'),
    /** Host folder copied to /tests after the agent finishes. */
    testsDir: z.string(),
    /** Script (inside testsDir or inline) that runs the tests. */
    testScript: z.string(),
    /** `pytest` (old layout: parse results) or `reward` (new layout: read the reward file). */
    mode: z.enum(['pytest', 'reward']),
    logParser: z.string().default('pytest'),
    /** Variables the tests run with (Harbor's [verifier] env). */
    env: z.record(z.string(), z.string()).optional(),
  }),
]);

export const GoldSolution = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('patch'), patch: z.string() }),
  z.strictObject({
    kind: z.literal('script'),
    script: z.string(),
    /** Host folder put at /solution before the script runs (Harbor's solution/, whose solve.sh may read its files). */
    dir: z.string().optional(),
    /** Variables the script runs with (Harbor's [solution] env). */
    env: z.record(z.string(), z.string()).optional(),
  }),
]);

export const Task = z.strictObject({
  id: z.string().min(1),
  suite: z.string().min(1),
  kind: TaskKind,
  /** What the agent is told. */
  statement: z.string().min(1),
  difficulty: Difficulty.default('medium'),
  tags: z.array(z.string()).default([]),
  environment: Environment,
  workspace: WorkspacePrep,
  /** A test command the agent may run itself (never the hidden tests). */
  visibleTestCommand: z.string().optional(),
  limits: z
    .strictObject({
      agentTimeoutSec: z.number().positive().default(900),
      testTimeoutSec: z.number().positive().default(300),
    })
    .default({ agentTimeoutSec: 900, testTimeoutSec: 300 }),
  grader: Grader,
  gold: GoldSolution.optional(),
  /** Upstream fields kept verbatim for round-tripping (SWE-bench instance fields, task.yaml keys). */
  upstream: z.record(z.string(), z.unknown()).optional(),
});
export type Task = z.infer<typeof Task>;

/** The part of a task the agent may see. */
export interface AgentTaskView {
  id: string;
  statement: string;
  workdir: string;
  visibleTestCommand?: string;
}

export function agentView(task: Task): AgentTaskView {
  return {
    id: task.id,
    statement: task.statement,
    workdir: task.environment.workdir,
    ...(task.visibleTestCommand ? { visibleTestCommand: task.visibleTestCommand } : {}),
  };
}
