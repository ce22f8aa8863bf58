import type { FsChange, Sandbox } from '../evaluator/sandbox/types.js';
import { GradingError } from './errors.js';
import type { GradeResult } from './graders/grader.js';
import { graderFor } from './graders/index.js';
import type { Task } from './schema.js';

// Grading from hidden tests the agent never saw, by the task kind's grader (graders/): each follows its published
// harness. What is common to all is here: tampering flags and what they do to the verdict.

export type { GradeResult } from './graders/grader.js';
export { stripTestFiles, type SweReport } from './graders/swebench.js';

export interface GradeOptions {
  /** What the agent's sandbox changed against its image (Terminal-Bench graded from a snapshot; see tamper.ts). */
  changes?: FsChange[];
  /** false: a run flagged for tampering keeps the tests' verdict (evolve.json grading.flaggedRunsUnresolved). */
  flaggedRunsUnresolved?: boolean;
}

/**
 * Grades a finished run with its kind's grader: SWE-bench in a fresh, prepared sandbox from the patch alone,
 * Terminal-Bench on the state the agent left (a fresh sandbox of its frozen filesystem). Either way, what the agent did to the grader (tamper.ts) is flagged in the report as `grading_flags`,
 * and a flagged run is unresolved unless options.flaggedRunsUnresolved is false (`resolved_by_tests` keeps the
 * tests' own verdict).
 */
export async function gradeTask(
  task: Task,
  sandbox: Sandbox,
  patch: string,
  options: GradeOptions = {},
): Promise<GradeResult> {
  const grader = graderFor(task);
  const changes = options.changes ?? [];
  const flags = [...grader.flags(task, patch, changes), ...((await grader.contentFlags?.(sandbox, changes)) ?? [])];
  let graded: GradeResult;
  try {
    graded = await grader.grade(task, sandbox, patch);
  } catch (error) {
    // A flagged run whose tests printed nothing (a fake runner exiting early) is unresolved, never an infra error.
    if (!(flags.length && error instanceof GradingError && error.kind === 'no_test_output')) throw error;
    graded = { resolved: false, report: { task_id: task.id, resolved: false, no_test_output: true } };
  }
  if (flags.length === 0) return graded;
  const resolved = graded.resolved && options.flaggedRunsUnresolved === false;
  return {
    resolved,
    report: { ...graded.report, resolved, resolved_by_tests: graded.resolved, grading_flags: flags },
  };
}

/** Where a task is graded: 'fresh' (a new sandbox + the patch) or 'in-place' (the state the agent left). */
export function gradingMode(task: Task): 'fresh' | 'in-place' {
  return graderFor(task).where;
}
