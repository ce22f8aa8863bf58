import type { Sandbox } from '../evaluator/sandbox/types.js';
import type { Task } from './schema.js';
import { SOLUTION_DIR } from './terminal-bench.js';

// Reference solvers for validating a suite: `oracle` applies the gold patch or runs the solution script (the task
// must then resolve); `null` does nothing (the task must then fail).

export type SolverName = 'oracle' | 'null';

/** The patch a solver submits when no sandbox is needed to find it: the gold patch, or none. Else undefined. */
export function knownPatch(solver: SolverName, task: Task): string | undefined {
  if (solver === 'null') return '';
  const gold = task.gold;
  return gold?.kind === 'patch' ? goldPatchText(gold.patch) : undefined;
}

const goldPatchText = (patch: string) => (patch.endsWith('\n') ? patch : `${patch}\n`);

export async function solve(solver: SolverName, task: Task, sandbox: Sandbox): Promise<void> {
  if (solver === 'null') return;
  const gold = task.gold;
  if (!gold)
    throw Object.assign(new Error(`${task.id} has no gold solution; the oracle cannot solve it`), { kind: 'no_gold' });
  const workdir = task.environment.workdir;
  if (gold.kind === 'patch') {
    await sandbox.writeFile('/tmp/evolve-gold.patch', goldPatchText(gold.patch));
    const r = await sandbox.exec('git apply --verbose /tmp/evolve-gold.patch && rm /tmp/evolve-gold.patch', {
      cwd: workdir,
      timeoutMs: 60_000,
    });
    if (r.exitCode !== 0)
      throw Object.assign(new Error(`${task.id}: the gold patch does not apply: ${r.output.trim().slice(-400)}`), {
        kind: 'gold_failed',
      });
    return;
  }
  // Harbor's oracle: solution/ at /solution, solve.sh run from there (it may read its sibling files). v1: the script.
  const script = gold.dir ? `${SOLUTION_DIR}/solve.sh` : '/tmp/evolve-solution.sh';
  if (gold.dir) {
    await sandbox.copyIn(gold.dir, SOLUTION_DIR);
    // Harbor's oracle logs to /logs/agent, which its environments always have.
    await sandbox.exec('mkdir -p /logs/agent', { user: 'root', timeoutMs: 30_000 });
  } else await sandbox.writeFile(script, gold.script);
  const r = await sandbox.exec(`bash ${script}; status=$?; rm -f /tmp/evolve-solution.sh; exit $status`, {
    cwd: workdir,
    env: { DEBIAN_FRONTEND: 'noninteractive', ...gold.env },
    user: 'root',
    timeoutMs: task.limits.agentTimeoutSec * 1000,
  });
  if (r.timedOut)
    throw Object.assign(
      new Error(`${task.id}: the solution script timed out after ${task.limits.agentTimeoutSec} s (the agent timeout)`),
      { kind: 'timeout' },
    );
  if (r.exitCode !== 0)
    throw Object.assign(
      new Error(`${task.id}: the solution script failed (exit ${r.exitCode}): ${r.output.trim().slice(-400)}`),
      { kind: 'gold_failed' },
    );
}
