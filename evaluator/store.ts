// The evaluator's view of where runs are kept. evaluator/ may not import lineage/, so it states what it needs
// here and lineage/db/repos/run-store.ts implements it on the database. Every write is idempotent and short: no call
// is ever held open across a container run or a model call.

export type RunStatus = 'pending' | 'running' | 'done' | 'error' | 'cancelled';
export type EvaluationStatus = 'running' | 'done' | 'stopped' | 'failed';

/**
 * Who ran: the experiment, the actor and the genome and code it ran from. With a RunKey (suite, task, content id,
 * repeat) this is a run's identity; a run is reused only on an exact match of both.
 */
export interface RunOwner {
  experimentId: string;
  /** `agent` (the experiment's own genome), `model:<name>` (that genome, model overridden), or a solver's name. */
  actor: string;
  /** The genome that ran; empty for a solver. */
  genomeHash: string;
  /** The agent's code: `installed` (this evolve) or a code variant's commit; empty for a solver. */
  code: string;
}

export interface RunKey {
  suiteId: string;
  taskId: string;
  /** The task's content id (tasks/content-id.ts). */
  content: string;
  repeat: number;
}

export interface InfraError {
  /** e.g. engine_unavailable, build_failed, container_gone, no_test_log, unparseable_log. */
  kind: string;
  message: string;
}

/** What one attempt of one run produced. `outcome` is null when the run never got a verdict (infra, cancel). */
export interface RunResult {
  outcome: 'resolved' | 'unresolved' | null;
  exitReason: string | null;
  infraError?: InfraError;
  inputTokens?: number;
  outputTokens?: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  costUsd?: number;
  durationMs: number;
  steps?: number;
  trajectoryPath?: string;
  patchPath?: string;
  /** Grading report, upstream per-instance layout. */
  report?: unknown;
}

export interface StoredRun extends RunKey, RunOwner {
  id: number;
  evaluationId: number;
  status: RunStatus;
  outcome: 'resolved' | 'unresolved' | null;
  exitReason: string | null;
  infraError: InfraError | null;
  attempts: number;
  inputTokens: number | null;
  outputTokens: number | null;
  costUsd: number | null;
  durationMs: number | null;
  steps: number | null;
  trajectoryPath: string | null;
  patchPath: string | null;
  report: unknown;
  worker: string | null;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface EvaluationSpec {
  owner: RunOwner;
  suiteId: string;
  split: string;
  stage: string;
  taskIds: string[];
  repeats: number;
  /** Concurrency, budgets, stage plan and thresholds, model, sandbox, code version: recorded as given. */
  config: Record<string, unknown>;
}

export interface StaleCheck {
  /** True when the worker that holds a `running` row is gone (its process died, e.g. SIGKILL). */
  isStale(worker: string | null, startedAt: string | null): boolean;
  /** Also put `error` rows back to pending (an infra failure may have been fixed since). Cancelled rows always are. */
  retryErrors: boolean;
}

export interface RunStore {
  /** Creates the evaluation row, or reopens the unfinished one for the same owner, stage and task set (resume). */
  openEvaluation(spec: EvaluationSpec): Promise<number>;
  /** Sets the final status and merges `extra` into the recorded config (stop reason, stage gate, spend). */
  finishEvaluation(evaluationId: number, status: EvaluationStatus, extra: Record<string, unknown>): Promise<void>;
  /**
   * Makes sure a row exists for each key: missing ones are inserted as pending; rows not yet done from an
   * earlier evaluation by the same owner are adopted by this one. Done rows are left untouched.
   */
  ensureRuns(evaluationId: number, owner: RunOwner, keys: RunKey[]): Promise<void>;
  /** Puts rows of the experiment left `running` by dead workers (and cancelled/error rows) back to pending. */
  resetStale(experimentId: string, check: StaleCheck): Promise<number>;
  /** Atomically takes one pending run of the evaluation and marks it running for `worker`. */
  claim(evaluationId: number, worker: string): Promise<StoredRun | undefined>;
  /** Records an attempt. `pending` puts the run back for a retry; the result is still stored for the record. */
  complete(runId: number, worker: string, status: Exclude<RunStatus, 'running'>, result: RunResult): Promise<void>;
  /** Every run by this owner on the given keys (any evaluation), in key order. */
  list(owner: RunOwner, keys?: RunKey[]): Promise<StoredRun[]>;
  /** The rows of one evaluation (what a queued evaluation follows). */
  listEvaluation(evaluationId: number): Promise<StoredRun[]>;
  /**
   * A worker takes one run by id for the queue job `job`: a pending row, or a row still `running` under that same
   * job (its earlier holder died and the job's lease lapsed). Anything else (done, or held under another job) is
   * not taken. `worker` must end in `#<job>`.
   */
  claimRun(runId: number, worker: string, job: string): Promise<StoredRun | undefined>;
}
