import type { Genome } from '../agent/genome.js';
import type { Task } from '../tasks/schema.js';
import type { RunResult } from './store.js';

// One unit of work handed from evaluate() to a runner: who acts (a genome, or a fixed solver), on which task.

export type SolverName = 'oracle' | 'null';

/** Where a code variant's agent comes from: its source folder (a worktree of its branch) at `commit`. */
export interface AgentCode {
  dir: string;
  commit: string;
}

/** A genome runs on this installation's agent unless `code` names a code variant's source. */
export type Actor = { kind: 'genome'; genome: Genome; code?: AgentCode } | { kind: 'solver'; solver: SolverName };

export interface RunJob {
  runId: number;
  evaluationId: number;
  experimentId: string;
  task: Task;
  repeat: number;
  /** 1 for the first attempt; a retry after an infrastructure error is 2. */
  attempt: number;
  actor: Actor;
  /** Labels every container of this run carries, so the reaper can find leftovers. */
  labels: Record<string, string>;
}

/** Runs one job to a result. Should not throw: failures come back as `infraError` (or an agent exit reason). */
export type RunOneFn = (job: RunJob, signal: AbortSignal) => Promise<RunResult>;

export function actorName(actor: Actor): string {
  return actor.kind === 'genome' ? actor.genome.model : `solver:${actor.solver}`;
}
