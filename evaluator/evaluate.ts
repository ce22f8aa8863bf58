import { type Genome, genomeHash } from '../agent/genome.js';
import { taskContentId } from '../tasks/content-id.js';
import type { Task } from '../tasks/schema.js';
import { defaultConcurrency, type GlobalBudget, type EvaluationSpend, type SpendLimit } from './budget.js';
import type { Actor, AgentCode, RunOneFn, SolverName } from './job.js';
import { type PoolEvent, runPool, type EvaluationStop } from './pool.js';
import { emptyCounts, type ProgressSnapshot } from './progress.js';
import { type GateResult, gateStage, type StagePlan, splitStages } from './stages.js';
import { summarize, type Summary } from './stats/index.js';
import type { EvaluationStatus, RunKey, RunOwner, RunStore, StoredRun } from './store.js';
import { isStaleWorker, workerId } from './worker.js';
import { type RemoteRuns, runQueuedPool } from './cluster/queued-pool.js';
import { agentCodeKey } from './agent-code.js';

// evaluate(): one row per run key (who ran: experiment, actor, genome, code; on what: suite, task content, repeat),
// moved pending -> running -> done|error by a pool of runs. Safe to call again after any crash: done rows with the
// same key are kept, rows of dead workers are redone, leftovers reaped. Nothing is reused across keys.

export interface EvaluateOptions {
  experimentId: string;
  genome?: Genome;
  /** A code variant's agent source; absent: this installation's agent. */
  code?: AgentCode;
  /** The actor's name in the run key when a genome runs: `agent` (default) or e.g. `model:<name>` for an override. */
  actorName?: string;
  solver?: SolverName;
  tasks: Task[];
  repeats?: number;
  store: RunStore;
  /** Runs one job; build it with `makeRunOne` (run-one.ts) or inject a fake. Not used when `remote` is given. */
  runOne?: RunOneFn;
  /** Queue the runs for cluster workers (`evolve worker`) and follow them in the store, instead of running them. */
  remote?: RemoteRuns;
  concurrency?: number;
  budget?: GlobalBudget;
  /** Limits shared across evaluations (a generation's, a command's), checked before each run starts. */
  limits?: SpendLimit[];
  stages?: StagePlan;
  signal?: AbortSignal;
  onProgress?: (snapshot: ProgressSnapshot) => void;
  onInterrupt?: 'cancel' | 'finish';
  maxConsecutiveInfraErrors?: number;
  /** Removes containers left by dead workers (evaluator/sandbox/reaper). Called once before any run starts. */
  reap?: () => Promise<unknown>;
  suiteId?: string;
  split?: string;
  /** Extra facts recorded in each evaluation row's config (model, sandbox, code version, ...). */
  record?: Record<string, unknown>;
  worker?: string;
  pollMs?: number;
}

export interface StageOutcome {
  evaluationId: number;
  stage: string;
  taskIds: string[];
  status: EvaluationStatus;
  gate?: GateResult;
}

export interface EvaluateResult {
  status: EvaluationStatus;
  stopReason?: EvaluationStop;
  stages: StageOutcome[];
  /** Stages not run because a gate was not cleared. */
  skippedStages: string[];
  /** Every row of the experiment on the keys that were scheduled. */
  runs: StoredRun[];
  /** Scores over the done runs. */
  summary: Summary;
  spend: EvaluationSpend;
}

export class EvaluateError extends Error {
  override readonly name = 'EvaluateError';
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

/** Run keys for these tasks (ids of `tasks`), repeat-major, so every task gets its first run before any a second. */
export function keysFor(taskIds: string[], repeats: number, tasks: Map<string, Task>): RunKey[] {
  const keys: RunKey[] = [];
  const refs = new Map(
    taskIds.map((id) => [id, { suiteId: tasks.get(id)!.suite, content: taskContentId(tasks.get(id)!) }]),
  );
  for (let repeat = 0; repeat < repeats; repeat++)
    for (const taskId of taskIds) keys.push({ ...refs.get(taskId)!, taskId, repeat });
  return keys;
}

/** Who a run is by, for its key. */
export function ownerOf(experimentId: string, actor: Actor, actorName = 'agent'): RunOwner {
  return actor.kind === 'solver'
    ? { experimentId, actor: actor.solver, genomeHash: '', code: '' }
    : { experimentId, actor: actorName, genomeHash: genomeHash(actor.genome), code: agentCodeKey(actor.code) };
}

export async function evaluate(options: EvaluateOptions): Promise<EvaluateResult> {
  const actor = resolveActor(options);
  const { runOne, remote } = options;
  if (!runOne && !remote)
    throw new EvaluateError(
      'nothing to run the evaluation with',
      'Pass runOne (in-process) or remote (a cluster queue).',
    );
  const repeats = options.repeats ?? 1;
  const concurrency = options.concurrency ?? defaultConcurrency();
  const tasks = new Map(options.tasks.map((t) => [t.id, t]));
  if (tasks.size !== options.tasks.length)
    throw new EvaluateError(
      'the task list names a task twice',
      'Pass each task id once; use --repeats to run a task several times.',
    );
  const worker = options.worker ?? workerId();
  const { store, experimentId } = options;
  const owner = ownerOf(experimentId, actor, options.actorName);
  const plan = splitStages([...tasks.keys()], options.stages);
  const startedAt = Date.now();
  const allKeys = keysFor([...tasks.keys()], repeats, tasks);

  await store.resetStale(experimentId, { isStale: (w, at) => isStaleWorker(w, at), retryErrors: true });
  await options.reap?.();
  const before = await store.list(owner, allKeys);
  // EvaluationSpend already recorded for these runs counts against the budget, so a resumed evaluation does not pay twice.
  const spend: EvaluationSpend = {
    dollars: before.reduce((s, r) => s + (r.costUsd ?? 0), 0),
    tokens: before.reduce((s, r) => s + (r.inputTokens ?? 0) + (r.outputTokens ?? 0), 0),
    elapsedMs: 0,
  };

  const counts = emptyCounts(allKeys.length);
  for (const r of before) {
    if (r.status === 'done') counts.done++;
    if (r.status === 'done' && r.outcome === 'resolved') counts.resolved++;
  }
  counts.alreadyDone = counts.done;
  const emit = (event?: ProgressSnapshot['event']) =>
    options.onProgress?.({
      ...counts,
      experimentId,
      dollars: spend.dollars,
      tokens: spend.tokens,
      elapsedMs: Date.now() - startedAt,
      concurrency,
      event,
    });

  const stages: StageOutcome[] = [];
  let stopReason: EvaluationStop | undefined;
  let status: EvaluationStatus = 'done';
  let scheduled: string[] = [];
  const skippedStages: string[] = [];

  for (const [index, stage] of plan.entries()) {
    if (stopReason) {
      skippedStages.push(stage.name);
      continue;
    }
    const keys = keysFor(stage.taskIds, repeats, tasks);
    const evaluationId = await store.openEvaluation({
      owner,
      suiteId: options.suiteId ?? options.tasks[0]?.suite ?? 'unknown',
      split: options.split ?? 'train',
      stage: stage.name,
      taskIds: stage.taskIds,
      repeats,
      config: {
        actor:
          actor.kind === 'genome'
            ? { genome: actor.genome, name: owner.actor, code: agentCodeKey(actor.code) }
            : { solver: actor.solver },
        concurrency,
        budget: options.budget ?? null,
        maxConsecutiveInfraErrors: options.maxConsecutiveInfraErrors ?? 5,
        stages: options.stages
          ? { plan: plan.map((s) => ({ name: s.name, tasks: s.taskIds.length })), gate: options.stages.gate ?? {} }
          : null,
        ...options.record,
      },
    });
    await store.ensureRuns(evaluationId, owner, keys);
    scheduled = [...scheduled, ...stage.taskIds];
    emit({ type: 'stage', stage: stage.name });
    const pool = {
      store,
      evaluationId,
      experimentId,
      owner,
      worker,
      actor,
      tasks,
      concurrency,
      budget: options.budget,
      limits: options.limits,
      maxConsecutiveInfraErrors: options.maxConsecutiveInfraErrors ?? 5,
      onInterrupt: options.onInterrupt ?? 'cancel',
      signal: options.signal,
      spend,
      startedAt,
      labels: { 'evolve.experiment': experimentId, 'evolve.worker': worker },
      pollMs: options.pollMs,
      onStart: () => {
        counts.running++;
        emit();
      },
      onFinish: (e: PoolEvent) => {
        counts.running--;
        if (e.status === 'done') counts.done++;
        if (e.status === 'done' && e.result.outcome === 'resolved') counts.resolved++;
        if (e.status === 'error' || (e.status === 'pending' && e.result.infraError)) counts.infraErrors++;
        if (e.status === 'cancelled') counts.cancelled++;
        emit({
          type: 'run',
          taskId: e.run.taskId,
          repeat: e.run.repeat,
          status: e.status,
          outcome: e.result.outcome,
          exitReason: e.result.exitReason,
          infraError: e.result.infraError?.message,
        });
      },
    };
    const stop = remote ? await runQueuedPool({ ...pool, remote }) : await runPool({ ...pool, runOne: runOne! });
    const outcome: StageOutcome = { evaluationId, stage: stage.name, taskIds: stage.taskIds, status: 'done' };
    if (stop) {
      stopReason = stop;
      status = outcome.status = stop === 'infra_errors' ? 'failed' : 'stopped';
    } else if (index < plan.length - 1 && options.stages) {
      const runs = await store.list(owner, keysFor(scheduled, repeats, tasks));
      outcome.gate = await gateStage(options.stages, scheduled, runs);
      if (!outcome.gate.passed) skippedStages.push(...plan.slice(index + 1).map((s) => s.name));
    }
    spend.elapsedMs = Date.now() - startedAt;
    await store.finishEvaluation(evaluationId, outcome.status, {
      result: { stopReason: stop ?? null, gate: outcome.gate ?? null, spend: { ...spend } },
    });
    stages.push(outcome);
    if (outcome.gate && !outcome.gate.passed) break;
  }

  const runs = await store.list(owner, keysFor(scheduled, repeats, tasks));
  const done = runs.filter((r) => r.status === 'done');
  emit({ type: 'end', status, stopReason });
  return {
    status,
    stopReason,
    stages,
    skippedStages,
    runs,
    summary: summarize(
      done.map((r) => ({
        taskId: r.taskId,
        repeat: r.repeat,
        resolved: r.outcome === 'resolved',
        tokens:
          r.inputTokens === null && r.outputTokens === null ? undefined : (r.inputTokens ?? 0) + (r.outputTokens ?? 0),
        costUsd: r.costUsd ?? undefined,
        durationMs: r.durationMs ?? undefined,
      })),
    ),
    spend,
  };
}

function resolveActor(options: EvaluateOptions): Actor {
  if (options.genome && options.solver)
    throw new EvaluateError(
      'both a genome and a solver were given',
      'Evaluate either a genome (an experiment) or a fixed solver (--solver), not both.',
    );
  if (options.genome)
    return { kind: 'genome', genome: options.genome, ...(options.code ? { code: options.code } : {}) };
  if (options.solver) return { kind: 'solver', solver: options.solver };
  throw new EvaluateError(
    'nothing to evaluate: no genome and no solver',
    'Give the experiment a genome, or pass --solver oracle|null.',
  );
}
