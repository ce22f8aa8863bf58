// vitest project: postgres too
// vitest project: e2e (killed and held processes, real locks, a model proposer's retries: half a minute)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createModel } from '../agent/models/registry.js';
import { toolCall } from '../agent/models/scripted.js';
import { createGateway } from '../evaluator/gateway/index.js';
import type { RunJob } from '../evaluator/job.js';
import type { RunResult } from '../evaluator/store.js';
import { runCli } from '../cli/testing/run-cli.js';
import { GenerationLockedError, LOCK_FILE } from './generation-lock.js';
import { nextGeneration } from './next-generation.js';
import { authorProposals } from './self-repair/author.js';
import { repairWorkspace, TASK_IDS } from './self-repair/testing.js';
import { readSpend } from './spend.js';
import { workspaceStatus } from './status.js';
import type { Workspace } from './workspace.js';
import { getExperiment } from './db/repos/experiments.js';

// A generation as a transaction: killed after its decisions, failing while writing folders, started twice at once,
// stopped by its budget. Real workspace (SQLite file, folders), real nextGeneration, a scripted evaluator.

let ws: Workspace | undefined;
afterEach(async () => {
  await ws?.close();
  ws = undefined;
});

/** exp-01 never resolves; every child resolves every task. */
function scripted(dir: string, calls: string[] = []) {
  return {
    runOne: async (job: RunJob): Promise<RunResult> => {
      calls.push(`${job.experimentId} ${job.task.id} r${job.repeat}`);
      const patchPath = join(dir, `${job.experimentId}-${job.task.id}-${job.repeat}.diff`);
      writeFileSync(patchPath, 'diff\n');
      const resolved = job.experimentId !== 'exp-01';
      return { outcome: resolved ? 'resolved' : 'unresolved', exitReason: 'submitted', durationMs: 10, costUsd: 0 };
    },
  };
}

const opts = (w: Workspace, extra: Parameters<typeof nextGeneration>[1] = {}) => ({
  children: 2,
  rule: 'mean' as const,
  confirm: false,
  evidenceRounds: 0,
  seed: 3,
  eval: { suite: 'mini', wiring: scripted(w.paths.runs) },
  ...extra,
});

const decisionsOf = async (w: Workspace) =>
  (
    await w.db
      .selectFrom('decisions')
      .select(['experiment_id', 'action', 'generation_id'])
      .orderBy('experiment_id')
      .orderBy('id')
      .execute()
  ).map((d) => [d.experiment_id, d.action, d.generation_id]);

describe('a generation as a transaction', () => {
  it('killed after its decisions were written, before its folders and its end: the rerun records each decision once', async () => {
    ws = await repairWorkspace();
    const first = await nextGeneration(ws, opts(ws));
    expect(first.promoted).toBe('exp-01-a');
    const decided = await decisionsOf(ws);
    expect(decided).toEqual([
      ['exp-01-a', 'promote', 1],
      ['exp-01-b', 'keep', 1],
    ]);
    // The state a kill -9 right after the decisions leaves: the generation still running, the folders not written.
    await ws.db.updateTable('generations').set({ status: 'running', finished_at: null }).execute();
    rmSync(join(ws.paths.experiments, 'exp-01-a'), { recursive: true, force: true });
    rmSync(join(ws.paths.experiments, 'exp-01-b'), { recursive: true, force: true });

    const lines: string[] = [];
    const again = await nextGeneration(ws, opts(ws, { log: (l) => lines.push(l) }));
    expect(lines[0]).toBe('resuming generation 1 from exp-01');
    expect(lines.some((l) => l.startsWith('proposed'))).toBe(false);
    // Same baseline (the champion the generation started with), same decisions, nothing recorded twice.
    expect(again.baseline.id).toBe('exp-01');
    expect(again.rows.map((r) => [r.id, r.decision])).toEqual([
      ['exp-01-a', 'promote'],
      ['exp-01-b', 'not promoted'],
    ]);
    expect(await decisionsOf(ws)).toEqual(decided);
    const champions = await ws.db.selectFrom('champions').select('experiment_id').orderBy('id').execute();
    expect(champions.map((c) => c.experiment_id)).toEqual(['exp-01', 'exp-01-a']);
    for (const id of ['exp-01-a', 'exp-01-b'])
      expect(existsSync(join(ws.paths.experiments, id, 'README.md'))).toBe(true);
    expect((await ws.db.selectFrom('generations').select('status').execute()).map((g) => g.status)).toEqual(['done']);
    // Children carry the number of the generation that proposed them, so `failures --generation 1` finds them.
    expect((await getExperiment(ws.db, 'exp-01-b')).generation).toBe(1);
  });

  it('a failure while writing child folders leaves them on the generation row; the rerun resumes them, no new letters', async () => {
    ws = await repairWorkspace();
    rmSync(ws.paths.experiments, { recursive: true, force: true });
    writeFileSync(ws.paths.experiments, 'not a folder');
    await expect(nextGeneration(ws, opts(ws))).rejects.toThrow();
    const gen = await ws.db.selectFrom('generations').select(['status', 'config']).executeTakeFirstOrThrow();
    expect(gen.status).toBe('running');
    expect(JSON.parse(gen.config).children).toEqual(['exp-01-a', 'exp-01-b']);

    rmSync(ws.paths.experiments);
    mkdirSync(ws.paths.experiments);
    const r = await nextGeneration(ws, opts(ws));
    expect(r.generation).toBe(1);
    expect(r.rows.map((x) => x.id)).toEqual(['exp-01-a', 'exp-01-b']);
    const ids = (await ws.db.selectFrom('experiments').select(['id', 'status']).orderBy('id').execute()).map(
      (e) => `${e.id} ${e.status}`,
    );
    expect(ids).toEqual(['exp-01 evaluated', 'exp-01-a promoted', 'exp-01-b evaluated']);
    for (const id of ['exp-01-a', 'exp-01-b'])
      expect(existsSync(join(ws.paths.experiments, id, 'genome.json'))).toBe(true);
  });

  it('a child inserted just before a kill, not yet on the generation row, is adopted rather than orphaned', async () => {
    ws = await repairWorkspace();
    await expect(
      nextGeneration(
        ws,
        opts(ws, {
          log: (l) => {
            if (l.startsWith('proposed exp-01-a')) throw new Error('killed');
          },
        }),
      ),
    ).rejects.toThrow('killed');
    // Take the child off the row, as if the process died between the insert and the row update.
    await ws.db
      .updateTable('generations')
      .set({ config: JSON.stringify({ children: [], champion: 'exp-01' }) })
      .execute();
    const r = await nextGeneration(ws, opts(ws));
    expect(r.rows.map((x) => x.id)).toEqual(['exp-01-a', 'exp-01-b']);
  });

  it('one generation at a time: a second says who holds the workspace, or waits for it with --wait', async () => {
    ws = await repairWorkspace();
    const w = ws;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = {
      runOne: async (job: RunJob) => {
        await gate;
        return scripted(w.paths.runs).runOne(job);
      },
    };
    const first = nextGeneration(w, opts(w, { eval: { suite: 'mini', wiring: slow } }));
    await new Promise((r) => setTimeout(r, 200));
    const second = await nextGeneration(w, opts(w)).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(GenerationLockedError);
    expect((second as Error).message).toMatch(
      new RegExp(
        `another generation is running in this workspace: evolve next-generation \\(pid ${process.pid} on ${hostname()}, since `,
      ),
    );
    const waiting = nextGeneration(w, opts(w, { lock: { wait: true } }));
    release();
    const [a, b] = await Promise.all([first, waiting]);
    expect([a.generation, b.generation]).toEqual([1, 2]);
    // One decision per child per generation: nothing recorded twice.
    const rows = await decisionsOf(w);
    expect(new Set(rows.map((r) => `${r[0]} ${r[2]}`)).size).toBe(rows.length);
    expect(existsSync(join(w.paths.root, LOCK_FILE))).toBe(false);
  });

  it('through the CLI: a lock held by a live process is named; one left by a dead process is taken over', async () => {
    ws = await repairWorkspace();
    const holder = spawn('sleep', ['30']);
    try {
      writeFileSync(
        join(ws.paths.root, LOCK_FILE),
        JSON.stringify({ pid: holder.pid, host: hostname(), since: '2026-01-01T00:00:00.000Z', command: 'evolve run' }),
      );
      const r = await runCli(['next-generation', '--subset', '1'], ws.paths.root);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(
        `error: another generation is running in this workspace: evolve run (pid ${holder.pid} on ${hostname()}, since 2026-01-01T00:00:00.000Z)`,
      );
      expect(r.err).toMatch(/--wait/);
    } finally {
      holder.kill('SIGKILL');
    }
    const dead = spawnSync('true').pid;
    writeFileSync(
      join(ws.paths.root, LOCK_FILE),
      JSON.stringify({ pid: dead, host: hostname(), since: '2026-01-01T00:00:00.000Z', command: 'evolve run' }),
    );
    const lines: string[] = [];
    const r = await nextGeneration(ws, opts(ws, { log: (l) => lines.push(l) }));
    expect(r.generation).toBe(1);
    expect(lines[0]).toMatch(`removing a stale generation lock left by pid ${dead}`);
  });
});

describe('budgets that hold', () => {
  it('budgets.generationDollars stops a generation of a priced model from starting runs, and says why', async () => {
    ws = await repairWorkspace();
    const w = ws;
    // evolve.json prices the scripted model: 100 input + 20 output tokens a call at $10/$10 per million = $0.0012 a
    // call; each run makes one call through the real gateway.
    w.config.models.prices['scripted/scripted'] = { input: 10, output: 10 };
    w.config.budgets.generationDollars = 0.003;
    const calls: string[] = [];
    const priced = {
      runOne: async (job: RunJob): Promise<RunResult> => {
        calls.push(`${job.experimentId} ${job.task.id} r${job.repeat}`);
        const model = createGateway(await createModel('scripted', { script: [toolCall('submit', {})] }), {
          prices: w.config.models.prices,
          env: {},
        });
        await model.generate({ system: 's', messages: [{ role: 'user', content: 'go' }], tools: [], maxTokens: 10 });
        return { outcome: 'unresolved', exitReason: 'submitted', durationMs: 10, costUsd: model.spent.dollars };
      },
    };
    const r = await nextGeneration(
      w,
      opts(w, { children: 3, eval: { suite: 'mini', concurrency: 1, wiring: priced } }),
    );
    // $0.0012 a run: the third run takes the generation to $0.0036, over $0.003; no fourth starts.
    expect(calls).toHaveLength(3);
    expect(r.budgetStop).toBe('generation 1 (budgets.generationDollars): $0.0036 of $0.003 spent');
    const gen = JSON.parse((await w.db.selectFrom('generations').select('config').executeTakeFirstOrThrow()).config);
    expect(gen.budgetStop).toBe(r.budgetStop);
    expect((await readSpend(w.db, { generation: 1 })).runs.dollars).toBeCloseTo(0.0036);
    expect(r.spent.runs).toBeCloseTo(0.0036);
  });

  it("a command's --budget spans its generations", async () => {
    ws = await repairWorkspace();
    const { SpendLimit } = await import('../evaluator/budget.js');
    const budget = new SpendLimit('--budget', { dollars: 0.001 });
    budget.charge(0.002, 0);
    const calls: string[] = [];
    const r = await nextGeneration(
      ws,
      opts(ws, { commandBudget: budget, eval: { suite: 'mini', wiring: scripted(ws.paths.runs, calls) } }),
    );
    expect(calls).toEqual([]);
    expect(r.budgetStop).toBe('--budget: $0.0020 of $0.001 spent');
  });
});

describe('the lineage’s own model calls', () => {
  it('the model proposer’s spend is stored apart from the runs’ and shown by status', async () => {
    ws = await repairWorkspace();
    ws.config.models.prices['scripted/scripted'] = { input: 10, output: 10 };
    const reply = JSON.stringify({
      proposals: [{ slot: 'budgets', params: { steps: 61 }, hypothesis: 'More steps let the agent rerun the tests.' }],
    });
    const r = await nextGeneration(
      ws,
      opts(ws, {
        children: 1,
        proposer: 'model',
        proposerModel: 'scripted',
        modelProposer: { script: [{ content: [{ type: 'text', text: reply }] }] },
      }),
    );
    expect(r.spent.lineage).toBeCloseTo(0.0012);
    const status = await workspaceStatus(ws.db);
    expect(status.spend.lineage.proposer).toEqual({
      dollars: expect.closeTo(0.0012, 6),
      tokens: 120,
      calls: 1,
      unpriced: 0,
    });
    expect(status.spend.runs.dollars).toBe(0);
    const cli = await runCli(['status'], ws.paths.root);
    expect(cli.out).toMatch(/spend +runs \$0\.0000, proposer \$0\.0012/);
  });

  it('--author champion with an unreachable model falls back to the systematic proposer and the generation goes on', async () => {
    ws = await repairWorkspace();
    const genome = JSON.parse((await getExperiment(ws.db, 'exp-01')).genome);
    await ws.db
      .updateTable('experiments')
      .set({ genome: JSON.stringify({ ...genome, model: 'openai-compatible/m@http://127.0.0.1:9/v1' }) })
      .where('id', '=', 'exp-01')
      .execute();
    const w = ws;
    const r = await nextGeneration(w, opts(w, { author: (ctx) => authorProposals(w, ctx, { env: {} }) }));
    expect(r.rows).toHaveLength(2);
    const gen = JSON.parse((await w.db.selectFrom('generations').select('config').executeTakeFirstOrThrow()).config);
    expect(gen.author.proposer).toBe('systematic');
    expect(gen.author.note).toMatch(/is not usable .*fell back to the systematic proposer/);
  });
});

describe('status', () => {
  it('shows rows left running by a killed process as interrupted, not running', async () => {
    ws = await repairWorkspace();
    const dead = spawnSync('true').pid;
    await ws.db
      .updateTable('runs')
      .set({ status: 'running', worker: `${dead}@${hostname()}` })
      .where('task_id', '=', TASK_IDS[0]!)
      .execute();
    const s = await workspaceStatus(ws.db);
    expect([s.runs.running, s.runs.interrupted]).toEqual([0, 1]);
  });
});
