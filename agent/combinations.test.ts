import { describe, expect, it } from 'vitest';
import { POLICY_SLOTS } from './genome.js';
import { runAgent } from './loop.js';
import { toolCall } from './models/scripted.js';
import { listPolicies } from './policies/registry.js';
import { policyAwareModel, testGenome, testTask } from './testing/fixtures.js';
import { InstantSandbox } from './testing/instant-sandbox.js';
import { MemoryTrajectory } from './trajectory.js';

// The four slots are independent: every registered combination runs a few steps and submits. The combinations come
// from the registry, so a policy added there is run here without editing this test. What is checked is how the
// policies compose in the loop, not the workspace: the sandbox answers at once (a temp-dir one spawned 4-5 processes
// for each of the 108 combinations: 40 s under load, against 2 s).

const sandbox = new InstantSandbox((command) =>
  command === 'cat calc.py' ? 'def add(a, b):\n    return a - b\n' : command === 'echo hi' ? 'hi\n' : '',
);

function combinations(): Array<Record<(typeof POLICY_SLOTS)[number], string>> {
  let combos: Array<Record<string, string>> = [{}];
  for (const slot of POLICY_SLOTS)
    combos = combos.flatMap((c) => listPolicies(slot).map((p) => ({ ...c, [slot]: p.name })));
  return combos as Array<Record<(typeof POLICY_SLOTS)[number], string>>;
}

describe('any combination of policies', () => {
  const combos = combinations();
  it('each runs: a command, a small-window/summarize-friendly third step, then submit', async () => {
    const failures: string[] = [];
    const submitted = new Map<string, Set<string>>(POLICY_SLOTS.map((slot) => [slot, new Set()]));
    for (const combo of combos) {
      const genome = testGenome({
        planning: { name: combo.planning, params: combo.planning === 'replan' ? { everySteps: 2 } : {} },
        tools: { name: combo.tools },
        memory: {
          name: combo.memory,
          params:
            combo.memory === 'summarize'
              ? { keepTurns: 1, foldBatch: 1 }
              : combo.memory === 'window'
                ? { turns: 1 }
                : {},
        },
        prompt: { name: combo.prompt },
      });
      const script = policyAwareModel([
        toolCall('bash', { command: 'echo hi' }),
        toolCall('bash', { command: 'cat calc.py' }),
        toolCall('submit', {}),
      ]);
      const trajectory = new MemoryTrajectory();
      const result = await runAgent({
        genome,
        task: testTask(sandbox.workdir, { visibleTestCommand: 'true' }),
        sandbox,
        model: script.model,
        trajectory,
      });
      const label = Object.values(combo).join('/');
      if (result.exitReason !== 'submitted' || result.steps !== 3)
        failures.push(`${label}: ${result.exitReason} after ${result.steps} (${result.error ?? ''})`);
      else for (const slot of POLICY_SLOTS) submitted.get(slot)?.add(combo[slot]);
      const expectedPlans = combo.planning === 'none' ? 0 : combo.planning === 'plan-first' ? 1 : 2;
      if (script.requestsFor('plan').length !== expectedPlans)
        failures.push(`${label}: ${script.requestsFor('plan').length} plan calls`);
      if ((combo.memory === 'summarize') !== script.requestsFor('summarize').length > 0)
        failures.push(`${label}: summarize calls ${script.requestsFor('summarize').length}`);
    }
    expect(failures).toEqual([]);
    // Every registered policy of every slot submitted in some combination.
    for (const slot of POLICY_SLOTS)
      expect([...(submitted.get(slot) ?? [])].sort(), slot).toEqual(
        listPolicies(slot)
          .map((p) => p.name)
          .sort(),
      );
  });
});
