import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { genomeHash } from '../../agent/genome.js';
import type { TrajectoryEvent } from '../../agent/trajectory.js';
import { taskContentId } from '../../tasks/content-id.js';
import { Task } from '../../tasks/schema.js';
import { now } from '../db/open.js';
import { baselineGenome, seedRoot } from '../experiments.js';
import { moveStatus, updateExperiment } from '../db/repos/experiments.js';
import { initWorkspace, openWorkspace, type Workspace } from '../workspace.js';
import { installedAgentCode } from '../../evaluator/agent-code.js';

// Test fixtures for self-repair: a real workspace (SQLite file) with a two-task suite whose hidden grader fields
// are distinctive, and exp-01 evaluated on it with unresolved runs, grading reports and trajectories on disk.

export const HIDDEN_TESTS = [
  'tests/test_slug.py::test_unicode_accents_folded',
  'tests/test_slug.py::test_ascii_roundtrip_kept',
];
export const TEST_PATCH = [
  'diff --git a/tests/test_hidden_slug.py b/tests/test_hidden_slug.py',
  '--- /dev/null',
  '+++ b/tests/test_hidden_slug.py',
  '@@ -0,0 +1,2 @@',
  '+def test_unicode_accents_folded():',
  '+    assert slugify("Crème brûlée") == "creme-brulee-SECRET-EXPECTED"',
  '',
].join('\n');
export const GOLD_PATCH =
  'diff --git a/slug.py b/slug.py\n--- a/slug.py\n+++ b/slug.py\n@@ -1 +1 @@\n-    return text\n+    return unicodedata.normalize("NFKD", text)  # GOLD-ONLY\n';
export const TASK_IDS = ['mini__slug-1', 'mini__slug-2'];

export function fixtureTask(id: string): Task {
  return Task.parse({
    id,
    suite: 'mini',
    kind: 'swebench',
    statement: `Make slugify fold accents (${id}).`,
    environment: { image: 'none' },
    workspace: { kind: 'image' },
    grader: {
      kind: 'swebench',
      testPatch: TEST_PATCH,
      testCommand: 'pytest',
      failToPass: [HIDDEN_TESTS[0]],
      passToPass: [HIDDEN_TESTS[1]],
    },
    gold: { kind: 'patch', patch: GOLD_PATCH },
  });
}

let step = 0;
const tool = (name: string, args: unknown, output: string, exitCode = 0): TrajectoryEvent => ({
  type: 'tool_call',
  ts: 1,
  step: ++step,
  callId: `c${step}`,
  name,
  args,
  status: 'ok',
  exitCode,
  output,
  truncated: false,
  durationMs: 10,
});

/** A workspace with suite `mini` and exp-01 (model `scripted`) unresolved on both tasks: one failure cluster. */
export async function repairWorkspace(): Promise<Workspace> {
  const dir = mkdtempSync(join(tmpdir(), 'evolve-repair-ws-'));
  await initWorkspace(dir);
  const ws = await openWorkspace(dir);
  ws.config.defaults.suite = 'mini';
  ws.config.defaults.sandbox = 'local';
  await ws.db
    .insertInto('suites')
    .values({ id: 'mini', kind: 'swebench', source: 'test', meta: '{}', created_at: now() })
    .execute();
  for (const id of TASK_IDS)
    await ws.db
      .insertInto('tasks')
      .values({
        id,
        suite_id: 'mini',
        content_id: taskContentId(fixtureTask(id)),
        kind: 'swebench',
        difficulty: 'easy',
        tags: '["multi-file"]',
        split: 'train',
        spec: JSON.stringify(fixtureTask(id)),
      })
      .execute();
  await seedRoot(ws.db, { ...baselineGenome(), model: 'scripted' });
  const { id: evaluationId } = await ws.db
    .insertInto('evaluations')
    .values({
      experiment_id: 'exp-01',
      suite_id: 'mini',
      split: 'train',
      stage: 'full',
      task_ids: JSON.stringify(TASK_IDS),
      repeats: 1,
      status: 'done',
      config: '{"sandbox":"local"}',
      created_at: now(),
      finished_at: now(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const taskId of TASK_IDS) {
    const trajectory = join(ws.paths.runs, 'exp-01', taskId, 'trajectory.jsonl');
    mkdirSync(join(trajectory, '..'), { recursive: true });
    const events = [
      tool(
        'bash',
        { command: 'python3 -m pytest -q' },
        'FAILED tests/test_slug.py::test_unicode_accents_folded - AssertionError\n1 failed',
        1,
      ),
      tool(
        'str_replace',
        { path: 'slug.py', old_str: 'return text', new_str: 'return text.lower()' },
        'Edited /testbed/slug.py.',
      ),
      tool('submit', {}, 'Submitted.'),
    ];
    writeFileSync(trajectory, events.map((e) => JSON.stringify(e)).join('\n') + '\n');
    const report = {
      patch_is_None: false,
      patch_exists: true,
      patch_successfully_applied: true,
      resolved: false,
      tests_status: {
        FAIL_TO_PASS: { success: [], failure: [HIDDEN_TESTS[0]] },
        PASS_TO_PASS: { success: [HIDDEN_TESTS[1]], failure: [] },
      },
      test_patch: TEST_PATCH,
    };
    await ws.db
      .insertInto('runs')
      .values({
        evaluation_id: evaluationId,
        experiment_id: 'exp-01',
        // The key exp-01's own evaluation would give these runs, so they are reused, not run again.
        genome_hash: genomeHash({ ...baselineGenome(), model: 'scripted' }),
        code: installedAgentCode(),
        suite_id: 'mini',
        task_id: taskId,
        task_content: taskContentId(fixtureTask(taskId)),
        repeat: 0,
        status: 'done',
        outcome: 'unresolved',
        exit_reason: 'submitted',
        infra_error: null,
        attempts: 1,
        input_tokens: 100,
        output_tokens: 10,
        cache_read_tokens: null,
        cache_write_tokens: null,
        cost_usd: 0,
        duration_ms: 1000,
        steps: 3,
        trajectory_path: trajectory,
        patch_path: null,
        report: JSON.stringify(report),
        failure_signature: null,
        cluster_id: null,
        worker: null,
        started_at: now(),
        finished_at: now(),
      })
      .execute();
  }
  await updateExperiment(ws.db, 'exp-01', { score: 0 });
  await moveStatus(ws.db, 'exp-01', 'evaluating');
  await moveStatus(ws.db, 'exp-01', 'evaluated');
  return ws;
}
