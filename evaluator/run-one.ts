import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Genome } from '../agent/genome.js';
import type { Task } from '../tasks/schema.js';
import type { FsChange, Sandbox, SandboxProvider, SandboxSpec, Snapshot } from './sandbox/types.js';
import type { AgentCode, RunJob, RunOneFn, SolverName } from './job.js';
import type { InfraError, RunResult } from './store.js';
import { redactSecrets } from './gateway/redact.js';

// One (genome | solver, task, repeat): a fresh sandbox -> workspace -> agent (or solver) -> diff -> dispose ->
// grade the diff in a second fresh sandbox (made ready meanwhile), so the agent's container never holds the hidden
// tests. A solver whose patch is known beforehand (see RunDeps.knownPatch) skips straight to the grading. A task
// graded on the state the agent left (Terminal-Bench) is graded in a fresh sandbox of the agent's frozen filesystem
// (Sandbox.freeze), so no process the agent started is alive while its tests run.
// Anything that goes wrong in the machinery is an infra error, kept apart from what the agent did.

export interface AgentRunOutcome {
  exitReason: string;
  inputTokens?: number;
  outputTokens?: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  costUsd?: number;
  steps?: number;
  /**
   * The evaluator saw the sandbox fail under the agent (agent-process/host.ts). false: an agent that says its sandbox
   * failed is taken at its deeds, not its word (its run is graded); undefined (an in-process runner): taken at its word.
   */
  sandboxFailed?: boolean;
}

export interface GradeOutcome {
  resolved: boolean;
  /** Upstream per-instance report. */
  report: unknown;
}

/** What the grader learns about the run besides its patch. */
export interface GradeEvidence {
  /** Paths the agent's sandbox changed against its image (in-place tasks graded from a snapshot). */
  changes?: FsChange[];
}

/** The pieces a run is made of. The defaults wire the real modules (wiring.ts); tests inject their own. */
export interface RunDeps {
  provider: SandboxProvider;
  /** Folder for trajectories and patches (the workspace's runs/). */
  runsDir: string;
  prepareWorkspace(task: Task, sandbox: Sandbox): Promise<void>;
  /** Starts prepareWorkspace's host-side work for a task, to overlap the container starts; failures surface there. */
  warmWorkspace?(task: Task): void;
  /** Applies the patch in a fresh, prepared sandbox and runs the hidden tests. Throws on no/unparseable test log. */
  grade(
    task: Task,
    sandbox: Sandbox,
    patch: string,
    signal: AbortSignal,
    evidence?: GradeEvidence,
  ): Promise<GradeOutcome>;
  solve(solver: SolverName, task: Task, sandbox: Sandbox, signal: AbortSignal): Promise<void>;
  /**
   * A solver's patch when it is known without running anything (the gold patch, or none). A freshly graded run of
   * it then makes only the grading sandbox, as upstream's harness grades gold predictions; undefined: run solve().
   */
  knownPatch?(solver: SolverName, task: Task): string | undefined;
  /** Tasks graded in the sandbox the agent left (Terminal-Bench: the container's state is the answer). */
  gradeInPlace?(task: Task): boolean;
  runAgent(args: {
    genome: Genome;
    /** A code variant's source to run the agent from; absent: this installation's agent. */
    code?: AgentCode;
    task: Task;
    sandbox: Sandbox;
    trajectoryPath: string;
    signal: AbortSignal;
    /** The run's repeat index: the agent's sampling seed, so repeats of a stochastic agent differ. */
    repeat?: number;
  }): Promise<AgentRunOutcome>;
  /** How the task's environment becomes a sandbox; default: its image tag or its Dockerfile through the image cache. */
  sandboxSpec?(task: Task, labels: Record<string, string>): SandboxSpec | Promise<SandboxSpec>;
}

export function defaultSandboxSpec(task: Task, labels: Record<string, string>): SandboxSpec {
  const env = task.environment;
  const image = env.dockerfile
    ? {
        name: `task-${task.id.replace(/[^a-z0-9_.-]/gi, '-').toLowerCase()}`,
        dockerfile: env.dockerfile,
        ...(env.files ? { files: env.files } : {}),
      }
    : env.image;
  if (!image)
    throw Object.assign(new Error(`task ${task.id} names neither an image nor a Dockerfile`), {
      kind: 'image_missing',
    });
  return { image, workdir: env.workdir, network: env.network, labels };
}

/** Exit reasons that mean the machinery failed under the agent, not the agent itself. */
const INFRA_EXIT = new Set(['sandbox_error']);

/**
 * What the agent's own code did wrong is its failure, graded like any run, never an infrastructure error: those are
 * retried and then left out of the score, so an agent (a code variant above all) that crashed, or claimed a sandbox
 * failure, on the tasks it was losing would have its losses dropped from the paired comparison.
 */
const AGENT_FAULT = 'agent_error';
const isAgentCrash = (error: unknown) => (error as { kind?: unknown })?.kind === 'agent_crash';

/** Grading errors an agent's work can cause (tasks/errors.ts GradingError kinds). */
const AGENT_BREAKABLE = new Set(['no_test_output', 'test_patch_failed']);

export function infraErrorOf(error: unknown, stage: string): InfraError {
  const e = error as { kind?: unknown; name?: string; message?: string };
  const kind = typeof e?.kind === 'string' ? e.kind : (e?.name ?? 'error');
  return { kind, message: `${stage}: ${e?.message ?? String(error)}` };
}

function reportOf(error: unknown): Record<string, unknown> | undefined {
  const report = (error as { report?: unknown } | undefined)?.report;
  return report && typeof report === 'object' ? (report as Record<string, unknown>) : undefined;
}

export function runDir(runsDir: string, job: Pick<RunJob, 'experimentId' | 'task' | 'repeat' | 'attempt'>): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9_.-]/g, '_');
  return join(runsDir, safe(job.experimentId), safe(job.task.id), `r${job.repeat}-a${job.attempt}`);
}

/** runOne, and `settle()`: waits for the sandboxes it let go (disposed after the result, off the run's path). */
export type RunOneWithSettle = RunOneFn & { settle(): Promise<void> };

export function makeRunOne(deps: RunDeps): RunOneWithSettle {
  const specOf = deps.sandboxSpec ?? defaultSandboxSpec;
  const going = new Set<Promise<void>>();
  /** Kills a sandbox without waiting for the engine to confirm (then removes its snapshot); settle() waits for all. */
  const letGo = (box: Sandbox | undefined, snapshot?: Snapshot) => {
    if (!box && !snapshot) return;
    const gone: Promise<void> = Promise.resolve(box?.dispose())
      .catch(() => undefined)
      .then(() => snapshot?.release())
      .finally(() => going.delete(gone));
    going.add(gone);
  };
  /** Per task: the kind of infrastructure error the oracle's own grading ends in, if any. */
  const oracleGrading = new Map<string, Promise<string | undefined>>();
  /**
   * A grading the agent's work can break counts as unresolved for an agent: tests that print no results (a fake test
   * runner that exits early) or a test patch that no longer applies over the agent's patch must not turn a failure
   * into an infra error, retried and left out of the paired comparison (upstream SWE-bench and Terminal-Bench score
   * both as failures). Unless the oracle's grading of the same task fails the same way: then the task is broken and
   * the run stays an infra error. Solvers keep the infra error (suite validation reports the task).
   */
  const silentGrading = async (
    error: unknown,
    job: RunJob,
    signal: AbortSignal,
    base: Partial<RunResult>,
    t0: number,
  ): Promise<RunResult | undefined> => {
    const kind = (error as { kind?: unknown })?.kind;
    if (typeof kind !== 'string' || !AGENT_BREAKABLE.has(kind) || job.actor.kind !== 'genome') return undefined;
    const key = `${job.task.suite}/${job.task.id}`;
    let oracle = oracleGrading.get(key);
    if (!oracle) {
      oracle = runOne(
        {
          ...job,
          runId: -Math.abs(job.runId),
          experimentId: `${job.experimentId}-oracle-check`,
          actor: { kind: 'solver', solver: 'oracle' },
        },
        signal,
      ).then((r) => r.infraError?.kind);
      oracleGrading.set(key, oracle);
    }
    // The task's own fault (the gold patch fails the same way): an infrastructure error, reported as one.
    if ((await oracle) === kind) return undefined;
    const message = (error as Error).message;
    return {
      ...base,
      outcome: 'unresolved',
      exitReason: base.exitReason ?? null,
      report: { task_id: job.task.id, resolved: false, [kind]: true, message },
      durationMs: Date.now() - t0,
    };
  };
  /**
   * Grades an in-place task in a fresh sandbox of the agent's frozen filesystem: the diff is read there (for the
   * record), then the hidden tests go in and run, with what the agent changed outside the diff as evidence.
   */
  const gradeSnapshot = async (
    job: RunJob,
    snapshot: Snapshot,
    signal: AbortSignal,
    base: Pick<RunResult, 'durationMs'> & Partial<RunResult>,
    dir: string,
    t0: number,
  ): Promise<RunResult> => {
    let box: Sandbox | undefined;
    let stage = 'grade: create sandbox';
    try {
      const spec = await specOf(job.task, { ...job.labels, 'evolve.role': 'grader' });
      box = await deps.provider.create({ ...spec, image: snapshot.image });
      stage = 'diff';
      const patch = await box.diff().catch(() => '');
      base.patchPath = join(dir, 'patch.diff');
      writeFileSync(base.patchPath, patch);
      if (signal.aborted)
        return { ...base, outcome: null, exitReason: base.exitReason ?? 'cancelled', durationMs: Date.now() - t0 };
      stage = 'grade';
      const graded = await deps.grade(job.task, box, patch, signal, { changes: snapshot.changes });
      return {
        ...base,
        exitReason: base.exitReason ?? null,
        outcome: graded.resolved ? 'resolved' : 'unresolved',
        report: graded.report,
        durationMs: Date.now() - t0,
      };
    } catch (error) {
      const silent = await silentGrading(error, job, signal, base, t0);
      if (silent) return silent;
      return {
        ...base,
        outcome: null,
        exitReason: base.exitReason ?? null,
        infraError: infraErrorOf(error, stage),
        ...(reportOf(error) ? { report: reportOf(error) } : {}),
        durationMs: Date.now() - t0,
      };
    } finally {
      letGo(box, snapshot);
    }
  };
  // Whatever a run records (an error's message, the grader's report) is redacted before it reaches the store.
  const runOne: RunOneFn = async (job, signal) => redactSecrets(await runUnredacted(job, signal));
  const runUnredacted: RunOneFn = async (job, signal) => {
    const t0 = Date.now();
    const dir = runDir(deps.runsDir, job);
    mkdirSync(dir, { recursive: true });
    const base: Pick<RunResult, 'durationMs'> & Partial<RunResult> = { durationMs: 0 };
    const fail = (infraError: InfraError, exitReason: string | null = null, error?: unknown): RunResult => ({
      ...base,
      outcome: null,
      exitReason,
      infraError,
      // What a grader saw before it gave up (e.g. a verifier log with no reward): kept for whoever looks into it.
      ...(reportOf(error) ? { report: reportOf(error) } : {}),
      durationMs: Date.now() - t0,
    });
    deps.warmWorkspace?.(job.task);
    let stage = 'create sandbox';
    let patch: string;
    let sandbox: Sandbox | undefined;
    // A fresh-graded task's grader is made ready while the agent works: it holds nothing hidden until grade() puts
    // the tests in, which happens only once the agent's container has been killed.
    let graderStage = 'grade: create sandbox';
    const grader = deps.gradeInPlace?.(job.task)
      ? undefined
      : (async () => {
          const box = await deps.provider.create(await specOf(job.task, { ...job.labels, 'evolve.role': 'grader' }));
          graderStage = 'grade: prepare workspace';
          try {
            await deps.prepareWorkspace(job.task, box);
          } catch (error) {
            await box.dispose().catch(() => undefined);
            throw error;
          }
          return box;
        })();
    grader?.catch(() => undefined); // awaited below; this only keeps an early failure from going unhandled
    const dropGrader = () => grader?.then(letGo, () => undefined);
    try {
      const known = grader && job.actor.kind === 'solver' ? deps.knownPatch?.(job.actor.solver, job.task) : undefined;
      if (known !== undefined) {
        // Nothing to run: the answer is the gold patch (or none), graded as upstream grades gold predictions.
        base.exitReason = 'submitted';
        patch = known;
      } else {
        sandbox = await deps.provider.create(await specOf(job.task, { ...job.labels, 'evolve.role': 'agent' }));
        stage = 'prepare workspace';
        await deps.prepareWorkspace(job.task, sandbox);
        if (job.actor.kind === 'genome') {
          stage = 'agent';
          const trajectoryPath = join(dir, 'trajectory.jsonl');
          const out = await deps
            .runAgent({
              genome: job.actor.genome,
              ...(job.actor.code ? { code: job.actor.code } : {}),
              task: job.task,
              sandbox,
              trajectoryPath,
              signal,
              repeat: job.repeat,
            })
            .catch((error: unknown): AgentRunOutcome => {
              if (!isAgentCrash(error) || signal.aborted) throw error;
              writeFileSync(join(dir, 'agent-error.txt'), redactSecrets(String((error as Error).message ?? error)));
              return { exitReason: AGENT_FAULT };
            });
          if (INFRA_EXIT.has(out.exitReason) && out.sandboxFailed === false) out.exitReason = AGENT_FAULT;
          Object.assign(base, {
            exitReason: out.exitReason,
            inputTokens: out.inputTokens,
            outputTokens: out.outputTokens,
            cacheReadTokens: out.cacheReadTokens,
            cacheWriteTokens: out.cacheWriteTokens,
            costUsd: out.costUsd,
            steps: out.steps,
            trajectoryPath,
          });
          if (INFRA_EXIT.has(out.exitReason))
            return (
              await dropGrader(),
              fail({ kind: 'sandbox_error', message: 'the sandbox failed during the agent run' }, out.exitReason)
            );
        } else {
          stage = `solver ${job.actor.solver}`;
          await deps.solve(job.actor.solver, job.task, sandbox, signal);
          base.exitReason = 'submitted';
        }
        if (!grader && sandbox.freeze) {
          if (signal.aborted)
            return { ...base, outcome: null, exitReason: base.exitReason ?? 'cancelled', durationMs: Date.now() - t0 };
          stage = 'grade: snapshot';
          const frozen = sandbox.freeze();
          sandbox = undefined; // frozen and killed, or failed and killed
          return await gradeSnapshot(job, await frozen, signal, base, dir, t0);
        }
        stage = 'diff';
        patch = await sandbox
          .diff()
          .catch((error: unknown) => (deps.gradeInPlace?.(job.task) ? '' : Promise.reject(error)));
      }
      base.patchPath = join(dir, 'patch.diff');
      writeFileSync(base.patchPath, redactSecrets(patch)); // the record; grading uses the patch itself
      if (!grader) {
        // The agent has stopped; only now are the hidden tests copied in, into the state it left.
        if (signal.aborted)
          return { ...base, outcome: null, exitReason: base.exitReason ?? 'cancelled', durationMs: Date.now() - t0 };
        stage = 'grade';
        const graded = await deps.grade(job.task, sandbox!, patch, signal);
        return {
          ...base,
          exitReason: base.exitReason ?? null,
          outcome: graded.resolved ? 'resolved' : 'unresolved',
          report: graded.report,
          durationMs: Date.now() - t0,
        };
      }
    } catch (error) {
      await dropGrader();
      if (stage === 'grade') {
        const silent = await silentGrading(error, job, signal, base, t0);
        if (silent) return silent;
      }
      return fail(infraErrorOf(error, stage), base.exitReason ?? null, error);
    } finally {
      // The agent's container is killed (graded in place, after its tests ran in it) before any hidden test goes into
      // the grader's container, a separate one it cannot reach.
      letGo(sandbox);
    }
    if (signal.aborted) {
      await dropGrader();
      return { ...base, outcome: null, exitReason: base.exitReason ?? 'cancelled', durationMs: Date.now() - t0 };
    }
    let box: Sandbox | undefined;
    try {
      box = await grader;
      stage = 'grade';
      const graded = await deps.grade(job.task, box, patch, signal);
      return {
        ...base,
        exitReason: base.exitReason ?? null,
        outcome: graded.resolved ? 'resolved' : 'unresolved',
        report: graded.report,
        durationMs: Date.now() - t0,
      };
    } catch (error) {
      const silent = box && stage === 'grade' ? await silentGrading(error, job, signal, base, t0) : undefined;
      if (silent) return silent;
      return fail(infraErrorOf(error, box ? stage : graderStage), base.exitReason ?? null, error);
    } finally {
      letGo(box);
    }
  };
  return Object.assign(runOne, {
    async settle() {
      while (going.size) await Promise.all([...going]);
    },
  });
}
