import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { Genome } from '../agent/genome.js';
import { baselineGenome } from './experiments.js';
import { loadSuite } from '../tasks/suite.js';
import { describeDocker } from '../test/docker.js';
import { wireRuns } from '../evaluator/wiring.js';

// The offline model on a built-in task in Docker: the baseline genome resolves it, and changing one policy
// changes what happens (the thing evolution selects on).
describeDocker('policies change outcomes on the built-in suite', () => {
  it('baseline resolves cachet-2; a 4-turn memory window forgets its way and fails; bash-only needs fewer steps', async () => {
    const task = loadSuite('builtin').tasks.find((t) => t.id === 'cachet__cachet-2')!;
    const { runOne, dispose } = await wireRuns({
      sandbox: 'docker',
      runsDir: mkdtempSync(join(tmpdir(), 'evolve-policies-')),
    });
    const run = (genome: Genome, id: string) =>
      runOne(
        {
          runId: 1,
          evaluationId: 1,
          experimentId: id,
          task,
          repeat: 0,
          attempt: 1,
          actor: { kind: 'genome', genome },
          labels: {},
        },
        new AbortController().signal,
      );
    const g = baselineGenome();
    const [base, windowed, bash] = await Promise.all([
      run(g, 'base'),
      run({ ...g, memory: { name: 'window', params: { turns: 4 } } }, 'window'),
      run({ ...g, tools: { name: 'bash-only', params: {} } }, 'bash'),
    ]).finally(() => dispose?.());
    expect(base).toMatchObject({ outcome: 'resolved', exitReason: 'submitted' });
    // The offline model reverts its last unchecked edit before its step budget ends, so it submits an empty patch.
    expect(windowed).toMatchObject({ outcome: 'unresolved' });
    expect(bash.outcome).toBe('resolved');
    expect(bash.steps!).toBeLessThan(base.steps!);
  }, 300_000);
});
