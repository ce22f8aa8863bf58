// vitest project: postgres too
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { baselineGenome } from '../experiments.js';
import { Task } from '../../tasks/schema.js';
import type { Workspace } from '../workspace.js';
import { hiddenStrings, mask } from '../../tasks/hidden.js';
import { buildRepairStatement } from './statement.js';
import { fixtureTask, HIDDEN_TESTS, repairWorkspace, TASK_IDS, TEST_PATCH } from './testing.js';
import { addedSkills, contextSurface, enableSkills, patchFlags, repairId } from './variant.js';

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
    const forbidden = [
      ...HIDDEN_TESTS,
      'test_unicode_accents_folded',
      'test_ascii_roundtrip_kept',
      'SECRET-EXPECTED',
      'test_hidden_slug.py',
      'GOLD-ONLY',
      'FAIL_TO_PASS',
      'PASS_TO_PASS',
      'test_patch',
    ];
    for (const f of forbidden) expect(s.markdown, f).not.toContain(f);
    // The agent's own pytest output named a hidden test: it is masked, the rest of the line stays.
    expect(s.markdown).toMatch(/FAILED \[hidden\] - AssertionError/);
  });

  it('masks a hidden line before clipping, so no half of it survives a cut', async () => {
    ws = await repairWorkspace();
    // The agent printed a long output whose clipped tail starts inside a line of the hidden test patch.
    const secret = TEST_PATCH.split('\n')
      .find((l) => l.includes('SECRET'))!
      .slice(1)
      .trim();
    const output = `${'x'.repeat(1000)}\n${secret}\n${'y'.repeat(150)}`;
    const run = await ws.db
      .selectFrom('runs')
      .select(['id', 'trajectory_path'])
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const event = {
      type: 'tool_call',
      ts: 1,
      step: 9,
      callId: 'c9',
      name: 'bash',
      args: { command: 'cat notes.txt' },
      status: 'ok',
      exitCode: 0,
      output,
      truncated: false,
      durationMs: 5,
    };
    writeFileSync(run.trajectory_path!, `${JSON.stringify(event)}\n`);
    const s = await buildRepairStatement(ws.db, { experimentId: 'exp-01', surface: SURFACE, maxOutputChars: 600 });
    expect(s.markdown).toMatch(/characters cut/);
    expect(s.markdown).not.toMatch(/SECRET|EXPECTED|creme-brulee/);
  });

  it('masks Terminal-Bench hidden test names, files and lines, and tests reported by the grader', () => {
    const tests = mkdtempSync(join(tmpdir(), 'evolve-tb-tests-'));
    mkdirSync(join(tests, 'sub'));
    writeFileSync(
      join(tests, 'test_outputs.py'),
      'import os\n\ndef test_report_has_totals():\n    assert open("/app/report.txt").read().count("TOTAL") == 3\n',
    );
    writeFileSync(join(tests, 'sub', 'helper.sh'), 'grep -c VERIFIED /app/out.log > /logs/verifier/count\n');
    const task = Task.parse({
      id: 'tb-1',
      suite: 'mini',
      kind: 'terminal-bench',
      statement: 'Write /app/report.txt.',
      environment: { image: 'none' },
      workspace: { kind: 'image' },
      grader: {
        kind: 'terminal-bench',
        testsDir: tests,
        testScript: 'bash /tests/run-tests.sh --strict',
        mode: 'pytest',
      },
    });
    const hidden = hiddenStrings(task, ['test_outputs.py::test_reported_by_grader']);
    const seen =
      'ran pytest: test_report_has_totals failed; assert open("/app/report.txt").read().count("TOTAL") == 3; grep -c VERIFIED /app/out.log > /logs/verifier/count; test_reported_by_grader; bash /tests/run-tests.sh --strict';
    expect(mask(seen, hidden)).not.toMatch(/test_report_has_totals|TOTAL|VERIFIED|test_reported_by_grader|--strict/);
    expect(mask('import os', hidden)).toBe('import os'); // short common lines are the agent's too
  });

  it('states the context-layer rule when only prompts and skills may change', async () => {
    ws = await repairWorkspace();
    const s = await buildRepairStatement(ws.db, {
      experimentId: 'exp-01',
      surface: contextSurface(SURFACE),
      layer: 'context',
    });
    expect(s.markdown).toMatch(/`agent\/prompts\/\*\*`\. Any other change/);
    expect(s.markdown).toMatch(/Change only instructions and reusable skills[^\n]*no code/);
  });

  it('masks longest first and names unknown clusters with a hint', async () => {
    const hidden = hiddenStrings(fixtureTask('x'));
    expect(mask('ran tests/test_slug.py::test_unicode_accents_folded ok', hidden)).toBe('ran [hidden] ok');
    ws = await repairWorkspace();
    await expect(
      buildRepairStatement(ws.db, { experimentId: 'exp-01', clusterId: 'fc-nope', surface: SURFACE }),
    ).rejects.toMatchObject({ hint: expect.stringMatching(/evolve failures exp-01/) });
  });
});

describe('code-variant ids and flags', () => {
  it('numbers repairs -r1, -r2 and flags patches that touch tests, graders or the evaluator', () => {
    expect(repairId('exp-23', 1)).toBe('exp-23-r1');
    expect(patchFlags('diff --git a/agent/prompts/x.md b/agent/prompts/x.md\n')).toEqual([]);
    expect(patchFlags('diff --git a/evaluator/gateway/budget.ts b/evaluator/gateway/budget.ts\n')[0]).toMatch(
      /evaluator\/gateway\/budget\.ts/,
    );
    expect(patchFlags('diff --git a/agent/policies/guard.test.ts b/agent/policies/guard.test.ts\n')).toHaveLength(1);
    expect(patchFlags('diff --git a/tasks/grade.ts b/tasks/grade.ts\n')).toHaveLength(1);
  });

  it('enables the skills a context-layer patch adds in the variant genome, and only those', () => {
    const patch = [
      'diff --git a/agent/prompts/skills/read-test-output.md b/agent/prompts/skills/read-test-output.md',
      'new file mode 100644',
      '--- /dev/null',
      '+++ b/agent/prompts/skills/read-test-output.md',
      '@@ -0,0 +1 @@',
      '+Read the whole failing assertion before editing.',
      'diff --git a/agent/prompts/skills/python-debugging.md b/agent/prompts/skills/python-debugging.md',
      '--- a/agent/prompts/skills/python-debugging.md',
      '+++ b/agent/prompts/skills/python-debugging.md',
      '@@ -1 +1 @@',
      '-old',
      '+new',
      '',
    ].join('\n');
    expect(addedSkills(patch)).toEqual(['read-test-output']);
    const genome = baselineGenome();
    const enabled = enableSkills(genome, addedSkills(patch));
    expect(enabled.prompt.params.skills).toEqual([
      ...((genome.prompt.params.skills as string[] | undefined) ?? []),
      'read-test-output',
    ]);
    expect(enableSkills(enabled, ['read-test-output'])).toBe(enabled);
    expect(enableSkills({ ...genome, prompt: { name: 'no-such-policy', params: {} } }, ['x'])).toMatchObject({
      prompt: { params: {} },
    });
    expect(contextSurface(SURFACE)).toEqual(['agent/prompts/**']);
    expect(() => contextSurface(['agent/policies/**'])).toThrow(
      /--context-only: the mutable surface \(agent\/policies\/\*\*\) does not include agent\/prompts/,
    );
  });
});
