import type { FsChange, Sandbox } from '../../evaluator/sandbox/types.js';
import type { Task } from '../schema.js';

// What a grader is: one per task kind (graders/index.ts), each following its published harness. Per-repository
// commands and log parsers live in its own tables (swebench-specs.ts, parsers/index.ts).

export interface GradeResult {
  resolved: boolean;
  report: Record<string, unknown>;
}

export interface TaskGrader<T extends Task = Task> {
  kind: Task['kind'];
  /**
   * Where the task is graded: 'fresh' (a new sandbox + the patch) or 'in-place' (the state the agent left: a fresh
   * sandbox of its frozen filesystem where the provider can freeze one, else its own sandbox once it stopped).
   */
  where: 'fresh' | 'in-place';
  /** Who the agent works as when neither the task nor the suite says (as the harness runs it). */
  agentUser: string;
  /** What the agent did to the grader (tamper.ts), from its patch or its sandbox's changed paths. */
  flags(task: T, patch: string, changes: FsChange[]): string[];
  /** Flags that need what a changed file holds, read in the grading sandbox before any test goes in (tamper.ts). */
  contentFlags?(sandbox: Sandbox, changes: FsChange[]): Promise<string[]>;
  /** The hidden tests' verdict; throws GradingError when the tests give none (an infrastructure error). */
  grade(task: T, sandbox: Sandbox, patch: string): Promise<GradeResult>;
}
