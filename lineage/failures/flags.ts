// Experiment-level objective-hacking flags: kept on the experiment row (shown in its folder README, `evolve tree`
// detail and `evolve failures`), merged by lineage/db/repos/experiments.ts addFlags, never removed by a later sign-up.

/** The flag line of one suspicious run, as the experiment records it. */
export function runFlag(s: { runId: number; taskId: string; reasons: string[] }): string {
  return `run ${s.runId} (${s.taskId}): ${s.reasons.join(', ')}`;
}
