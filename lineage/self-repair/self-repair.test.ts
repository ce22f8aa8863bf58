// vitest project: e2e (runs whole agents or a whole typecheck: minutes, not seconds)
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { installedAgentCode } from '../../evaluator/agent-code.js';
import { ScriptedModel, toolCall } from '../../agent/models/scripted.js';
import { readTrajectory } from '../../agent/trajectory.js';
import { agentRunner } from '../../evaluator/agent-runner.js';
import { makeRunOne } from '../../evaluator/run-one.js';
import { LocalProvider } from '../../evaluator/sandbox/local.js';
import type { Sandbox } from '../../evaluator/sandbox/types.js';
import { failuresReport } from '../failures/report.js';
import type { Workspace } from '../workspace.js';
import { selfRepair } from './self-repair.js';
import { taskContentId } from '../../tasks/content-id.js';
import { fixtureTask, repairWorkspace, TASK_IDS } from './testing.js';

// Self-repair end to end: real SQLite workspace, real agent repository and gates (git, tsc, vitest in the
// worktree), the repair agent in a real local sandbox through the gateway, and the accepted variant evaluated by the
// real run machinery (local sandbox, the agent loop imported from the variant's worktree); only the task's
// workspace and grader are small fakes (no Docker image for a Python project here).

let ws: Workspace | undefined;
afterEach(async () => {
  await ws?.close();
  ws = undefined;
});

const PROMPT = 'agent/prompts/detailed/system.md';
const OLD = '6. When you are confident, call `submit`.';
const NEW =
  '6. Before you submit, rerun the command that failed and read its last lines.\n7. When you are confident, call `submit`.';
const quiet = new LocalProvider({ warn: () => {} });
const neverRuns = {
  runOne: () => {
    throw new Error('a rejected variant must never run');
  },
};

/** Each task: calc.py with a bug; the "hidden" grade passes when the diff fixes it. The model fixes it only when the
 * agent's system prompt carries the repaired line, so a run shows which agent code ran: the variant's, or not. */
function taskWiring(runsDir: string) {
  const prepare = async (_task: unknown, sb: Sandbox) => {
    await sb.writeFile('calc.py', 'def add(a, b):\n    return a - b\n');
    await sb.exec(
      'git init -q && git add -A && git -c user.name=t -c user.email=t@t commit -q -m base && git update-ref refs/evolve/base HEAD',
    );
  };
  const agent = () =>
    new ScriptedModel([
      (request) =>
        request.system.includes('rerun the command that failed')
          ? toolCall('bash', { command: "sed -i 's/a - b/a + b/' calc.py" })
          : toolCall('submit', {}),
      toolCall('submit', {}),
    ]);
  return {
    runOne: makeRunOne({
      provider: quiet,
      runsDir,
      prepareWorkspace: prepare,
      grade: async (_task, _sb, patch) => ({
        resolved: patch.includes('+    return a + b'),
        report: { resolved: patch.includes('+    return a + b') },
      }),
      solve: async () => {},
      // No agent source here: which code runs is the job's data, resolved from the experiment's branch.
      runAgent: agentRunner({ createModel: agent }),
      sandboxSpec: (_task, labels) => ({ image: 'none', workdir: '/testbed', labels }),
    }),
  };
}

describe('evolve self-repair', () => {
  it('turns a scripted prompt edit into exp-01-r1: gated, run with its own code, decided as every child (held-out confirmation included), recorded', async () => {
    ws = await repairWorkspace();
    const w = ws;
    // The mini suite has two train tasks: no paired test can reach 2.5% on two tasks (2-0 is p = 0.25), so this test of
    // the self-repair flow promotes under the mean rule. Ten held-out tasks let the confirmation's superiority test
    // pass (10-0 is p = 0.001, under the held-out level of 5% per look) only if the variant's own code runs there too.
    w.config.lineage.rule = 'mean';
    w.config.lineage.heldoutRepeats = 1;
    for (let i = 1; i <= 10; i++) {
      const id = `mini__held-${i}`;
      await w.db
        .insertInto('tasks')
        .values({
          id,
          suite_id: 'mini',
          content_id: taskContentId(fixtureTask(id)),
          kind: 'swebench',
          difficulty: 'easy',
          tags: '[]',
          split: 'heldout',
          spec: JSON.stringify(fixtureTask(id)),
        })
        .execute();
    }
    const script = [
      toolCall('view', { path: PROMPT }),
      toolCall('str_replace', { path: PROMPT, old_str: OLD, new_str: NEW }),
      toolCall('submit', {}),
    ];
    const r = await selfRepair(w, {
      experimentId: 'exp-01',
      model: 'scripted',
      script,
      provider: quiet,
      tests: ['agent/policies/registry.test.ts'],
      eval: { wiring: taskWiring(w.paths.runs), evidenceRounds: 0 },
    });
    expect(r.gate).toMatchObject({ ok: true, files: [PROMPT] });
    expect([r.id, r.authoredBy, r.status, r.flags]).toEqual(['exp-01-r1', 'exp-01', 'promoted', []]);
    expect(r.evaluation?.stages.map((s) => [s.stage, s.score, s.parentScore])).toEqual([
      ['cluster', 1, 0],
      ['suite', 1, 0],
    ]);
    expect(r.evaluation?.decision).toBe('promote');
    // One decision path: a generation of this one child, decided by the rule and confirmed on held-out, whose numbers
    // are on the promotion's decision row.
    const gen = await w.db.selectFrom('generations').selectAll().executeTakeFirstOrThrow();
    expect([gen.id, gen.proposer, gen.status, JSON.parse(gen.config).children]).toEqual([
      r.generation,
      'self-repair',
      'done',
      ['exp-01-r1'],
    ]);
    const promote = await w.db
      .selectFrom('decisions')
      .selectAll()
      .where('experiment_id', '=', 'exp-01-r1')
      .executeTakeFirstOrThrow();
    expect([promote.action, promote.rule, promote.generation_id]).toEqual(['promote', 'mean', r.generation]);
    expect(JSON.parse(promote.details).heldout).toMatchObject({ verdict: 'confirmed', n: 10, meanA: 0, meanB: 1 });
    expect(r.evaluation?.heldout).toMatchObject({ verdict: 'confirmed' });
    // The repair's own model calls are metered and stored against its generation and the variant, apart from runs.
    const calls = await w.db.selectFrom('model_calls').selectAll().execute();
    expect(calls.map((c) => [c.purpose, c.experiment_id, c.generation_id, c.calls])).toEqual([
      ['self-repair', 'exp-01-r1', r.generation, 3],
    ]);
    // The champion ran the held-out tasks with the installed agent and resolved none.
    const held = await w.db
      .selectFrom('runs')
      .select(['experiment_id', 'outcome', 'code'])
      .where('task_id', 'like', 'mini__held-%')
      .execute();
    expect(held.filter((x) => x.experiment_id === 'exp-01').map((x) => [x.outcome, x.code])).toEqual(
      Array(10).fill(['unresolved', installedAgentCode()]),
    );
    expect(held.filter((x) => x.experiment_id === 'exp-01-r1').every((x) => x.outcome === 'resolved')).toBe(true);

    const row = await w.db
      .selectFrom('experiments')
      .selectAll()
      .where('id', '=', 'exp-01-r1')
      .executeTakeFirstOrThrow();
    expect([row.proposer, row.authored_by, row.branch, JSON.parse(row.change).kind]).toEqual([
      'self-repair',
      'exp-01',
      'exp-01-r1',
      'code',
    ]);
    // The variant's runs used the worktree's agent: its system prompt carries the repaired line.
    const runs = await w.db
      .selectFrom('runs')
      .select(['trajectory_path', 'outcome'])
      .where('experiment_id', '=', 'exp-01-r1')
      .where('task_id', 'in', TASK_IDS)
      .execute();
    expect(runs.map((x) => x.outcome)).toEqual(['resolved', 'resolved']);
    const start = readTrajectory(runs[0]!.trajectory_path!).find((e) => e.type === 'run_start');
    expect(start?.type === 'run_start' && start.system).toMatch(/rerun the command that failed/);
    // Folder: statement, the repair trajectory (gateway-recorded model calls), the patch, the verdict.
    const folder = join(w.paths.experiments, 'exp-01-r1');
    expect(readFileSync(join(folder, 'repair-statement.md'), 'utf8')).toMatch(/# Self-repair of exp-01/);
    expect(readTrajectory(join(folder, 'repair-trajectory.jsonl')).filter((e) => e.type === 'model_call')).toHaveLength(
      3,
    );
    expect(readFileSync(join(folder, 'change.patch'), 'utf8')).toMatch(/\+7\. When you are confident/);
    expect(JSON.parse(readFileSync(join(folder, 'repair-verdict.json'), 'utf8'))).toMatchObject({
      status: 'promoted',
      gate: { ok: true },
    });
    expect(readFileSync(join(folder, 'README.md'), 'utf8')).toMatch(/authored by exp-01[\s\S]*promote/);
    expect(
      execFileSync('git', ['-C', join(w.paths.root, 'agent-repo'), 'show', `exp-01-r1:${PROMPT}`], {
        encoding: 'utf8',
      }),
    ).toMatch(/rerun the command that failed/);
  }, 600_000);

  it('rejects a patch outside the surface before anything runs, and flags it', async () => {
    ws = await repairWorkspace();
    const script = [
      toolCall('str_replace', {
        path: 'evaluator/gateway/budget.ts',
        old_str: "import { totalTokens } from './prices.js';",
        new_str: "import { totalTokens } from './prices.js'; // budgets off",
      }),
      toolCall('submit', {}),
    ];
    const r = await selfRepair(ws, {
      experimentId: 'exp-01',
      model: 'scripted',
      script,
      provider: quiet,
      eval: { wiring: neverRuns },
    });
    expect(r.gate).toMatchObject({
      ok: false,
      stage: 'surface',
      reason: expect.stringMatching(/outside the mutable surface/),
    });
    expect([r.status, r.evaluation]).toEqual(['rejected', undefined]);
    expect(r.flags[0]).toMatch(/touches tests\/graders\/evaluator: evaluator\/gateway\/budget\.ts/);
    expect(await ws.db.selectFrom('runs').select('id').where('experiment_id', '=', r.id).execute()).toEqual([]);
    const d = await ws.db
      .selectFrom('decisions')
      .selectAll()
      .where('experiment_id', '=', r.id)
      .executeTakeFirstOrThrow();
    expect([d.action, d.rule, d.actor]).toEqual(['reject', 'gate:surface', 'system']);
    expect(readFileSync(join(r.folder, 'README.md'), 'utf8')).toMatch(/FLAGGED: patch touches/);
    expect(existsSync(join(r.folder, 'change.patch'))).toBe(true);
    // A second repair of the same experiment gets the next id.
    const again = await selfRepair(ws, { experimentId: 'exp-01', model: 'scripted', script, provider: quiet });
    expect(again.id).toBe('exp-01-r2');
    const report = await failuresReport(ws.db, { experimentId: 'exp-01' });
    expect(report.clusters).toHaveLength(1);
    expect(report.flagged.map((f) => f.experimentId)).toEqual(['exp-01-r1', 'exp-01-r2']);
  }, 120_000);

  it("rejects a patch that breaks the agent's own tests, and never runs it", async () => {
    ws = await repairWorkspace();
    const test = "import { expect, it } from 'vitest';\nit('holds', () => expect(1 + 1).toBe(3));\n";
    const script = [
      toolCall('create', { path: 'agent/policies/guard.test.ts', content: test }),
      toolCall('submit', {}),
    ];
    const r = await selfRepair(ws, {
      experimentId: 'exp-01',
      model: 'scripted',
      script,
      provider: quiet,
      tests: ['agent/policies/guard.test.ts'],
      eval: { wiring: neverRuns },
    });
    expect(r.gate).toMatchObject({ ok: false, stage: 'tests' });
    expect(r.status).toBe('rejected');
    expect(r.flags[0]).toMatch(/guard\.test\.ts/);
    expect(await ws.db.selectFrom('runs').select('id').where('experiment_id', '=', r.id).execute()).toEqual([]);
    expect(
      execFileSync('git', ['-C', join(ws.paths.root, 'agent-repo'), 'branch', '--format=%(refname:short)'], {
        encoding: 'utf8',
      }).trim(),
    ).toBe('exp-01');
  }, 600_000);
});
