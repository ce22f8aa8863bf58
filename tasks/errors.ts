/** A task file that cannot be loaded: names the file, the entry (line, instance id) and the field. */
export class TaskLoadError extends Error {
  override readonly name = 'TaskLoadError';
  readonly hint: string;
  constructor(
    readonly file: string,
    readonly entry: string | undefined,
    readonly field: string | undefined,
    problem: string,
  ) {
    super(`${file}${entry ? ` (${entry})` : ''}${field ? `, field ${field}` : ''}: ${problem}`);
    this.hint = 'Fix the task file; see the README section "Tasks and suites" for the formats evolve reads.';
  }
}

/** The grader could not reach a verdict (no test output, a test patch that does not apply): an infra error. */
export class GradingError extends Error {
  override readonly name = 'GradingError';
  constructor(
    readonly kind: 'no_test_output' | 'test_patch_failed' | 'grader_failed',
    message: string,
    /** What the grader saw (the test log's tail among it), kept on the run as its report. */
    readonly report?: Record<string, unknown>,
  ) {
    super(message);
  }
}
