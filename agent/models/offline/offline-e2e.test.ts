// vitest project: e2e (runs whole agents or a whole typecheck: minutes, not seconds)
import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { runAgent } from '../../loop.js';
import { testGenome, testTask } from '../../testing/fixtures.js';
import { TempDirSandbox } from '../../testing/temp-sandbox.js';
import { MemoryTrajectory } from '../../trajectory.js';
import { createOfflineModel } from '../offline.js';

// End to end through the real agent loop and tools, on a tiny buggy Python project in a temp directory
// (python3 and pytest on the host). The offline model must find and fix an off-by-one in a range bound.

const FILES = {
  'series/__init__.py': 'from .window import moving_sum\n',
  'series/window.py': [
    '"""Sliding-window helpers."""',
    '',
    '',
    'def moving_sum(values, size):',
    '    """Sum of every run of `size` consecutive values, in order."""',
    '    if size < 1:',
    '        raise ValueError("size must be positive")',
    '    out = []',
    '    for start in range(len(values) - size):',
    '        out.append(sum(values[start:start + size]))',
    '    return out',
    '',
  ].join('\n'),
  'tests/test_window.py':
    'from series import moving_sum\n\n\ndef test_short_input():\n    assert moving_sum([1], 2) == []\n',
};

const STATEMENT = `moving_sum drops the last window

\`\`\`python
>>> from series import moving_sum
>>> moving_sum([1, 2, 3, 4], 2)
[3, 5]
\`\`\`

Expected \`[3, 5, 7]\`: the window ending at the last value is missing.`;

const hasPython = (() => {
  try {
    execFileSync('python3', ['-c', 'import pytest'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const sandboxes: TempDirSandbox[] = [];
afterEach(async () => {
  for (const s of sandboxes.splice(0)) await s.dispose();
});

async function run(tools: string, memory: Record<string, unknown> = { name: 'full' }, steps = 30) {
  const sandbox = await TempDirSandbox.create(FILES);
  sandboxes.push(sandbox);
  const genome = testGenome({
    model: 'offline',
    tools: { name: tools },
    memory,
    budgets: { steps, wallClockSec: 300 },
  });
  const result = await runAgent({
    genome,
    task: testTask(sandbox.workdir, { statement: STATEMENT }),
    sandbox,
    model: createOfflineModel({ maxSteps: steps }),
    trajectory: new MemoryTrajectory(),
  });
  const repro = await sandbox.exec(`python3 -c 'from series import moving_sum; print(moving_sum([1, 2, 3, 4], 2))'`);
  return { result, repro: repro.output.trim() };
}

describe.skipIf(!hasPython)('offline model end to end (runAgent + temp-dir sandbox)', () => {
  it('fixes the off-by-one with the editor tools and submits', async () => {
    const { result, repro } = await run('editor');
    expect(result.exitReason).toBe('submitted');
    expect(repro).toBe('[3, 5, 7]');
    expect(result.diff).toContain('+    for start in range(len(values) - size + 1):');
    expect(result.diff).not.toContain('/tmp/evolve_repro');
    expect(result.usage.inputTokens ?? 0).toBe(0);
  });

  it('fixes it with bash only, in fewer steps (edit and re-run share a step)', async () => {
    const editor = await run('editor');
    const bash = await run('bash-only');
    expect(bash.result.exitReason).toBe('submitted');
    expect(bash.repro).toBe('[3, 5, 7]');
    expect(bash.result.steps).toBeLessThan(editor.result.steps);
  });

  it('a tight step budget changes the outcome: it stops before finding the fix and leaves no stray edit', async () => {
    const { result, repro } = await run('editor', { name: 'full' }, 6);
    expect(repro).toBe('[3, 5]');
    expect(result.diff).toBe('');
  });
});
