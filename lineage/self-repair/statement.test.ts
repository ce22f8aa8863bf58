import { afterEach, describe, expect, it } from 'vitest';
import type { Workspace } from '../workspace.js';
import { buildRepairStatement, hiddenStrings, mask } from './statement.js';
import { fixtureTask, HIDDEN_TESTS, repairWorkspace, TASK_IDS } from './testing.js';
import { patchFlags, repairId } from './variant.js';

let ws: Workspace | undefined;
afterEach(async () => {
  await ws?.close();
  ws = undefined;
});

const SURFACE = ['agent/policies/**', 'agent/prompts/**'];

describe('repair statement', () => {
  it('says what goes wrong, how often, and what the agent saw, with the rules', async () => {
    ws = await repairWorkspace();
    const s = await buildRepairStatement(ws.db, { experimentId: 'exp-01', surface: SURFACE });
    expect(s.taskIds).toEqual(TASK_IDS);
    expect(s.runIds).toHaveLength(2);
    expect(s.markdown).toMatch(/## What goes wrong[\s\S]*change did not fix the failing tests/);
    expect(s.markdown).toMatch(/2 of 2 finished runs of exp-01/);
    expect(s.markdown).toMatch(/`str_replace` \{"path":"slug.py"/);
    expect(s.markdown).toMatch(/Make slugify fold accents \(mini__slug-1\)/);
    expect(s.markdown).toMatch(/`agent\/policies\/\*\*`, `agent\/prompts\/\*\*`/);
    expect(s.markdown).toMatch(/agent\/prompts\/skills\//);
  });

  it('never contains hidden test names, test-patch or gold-patch text, even when the runs saw or reported them', async () => {
    ws = await repairWorkspace();
    const s = await buildRepairStatement(ws.db, { experimentId: 'exp-01', surface: SURFACE });
    const forbidden = [...HIDDEN_TESTS, 'test_unicode_accents_folded', 'test_ascii_roundtrip_kept', 'SECRET-EXPECTED', 'test_hidden_slug.py', 'GOLD-ONLY', 'FAIL_TO_PASS', 'PASS_TO_PASS', 'test_patch'];
    for (const f of forbidden) expect(s.markdown, f).not.toContain(f);
    // The agent's own pytest output named a hidden test: it is masked, the rest of the line stays.
    expect(s.markdown).toMatch(/FAILED \[hidden\] - AssertionError/);
  });

  it('masks longest first and names unknown clusters with a hint', async () => {
    const hidden = hiddenStrings(fixtureTask('x'));
    expect(mask('ran tests/test_slug.py::test_unicode_accents_folded ok', hidden)).toBe('ran [hidden] ok');
    ws = await repairWorkspace();
    await expect(buildRepairStatement(ws.db, { experimentId: 'exp-01', clusterId: 'fc-nope', surface: SURFACE })).rejects.toMatchObject({ hint: expect.stringMatching(/evolve failures exp-01/) });
  });
});

describe('code-variant ids and flags', () => {
  it('numbers repairs -r1, -r2 and flags patches that touch tests, graders or the evaluator', () => {
    expect(repairId('exp-23', 1)).toBe('exp-23-r1');
    expect(patchFlags('diff --git a/agent/prompts/x.md b/agent/prompts/x.md\n')).toEqual([]);
    expect(patchFlags('diff --git a/evaluator/gateway/budget.ts b/evaluator/gateway/budget.ts\n')[0]).toMatch(/evaluator\/gateway\/budget\.ts/);
    expect(patchFlags('diff --git a/agent/policies/guard.test.ts b/agent/policies/guard.test.ts\n')).toHaveLength(1);
    expect(patchFlags('diff --git a/tasks/grade.ts b/tasks/grade.ts\n')).toHaveLength(1);
  });
});
