// vitest project: postgres too
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { evaluate, keysFor, ownerOf } from '../../../evaluator/evaluate.js';
import { installedAgentCode } from '../../../evaluator/agent-code.js';
import type { RunJob } from '../../../evaluator/job.js';
import type { RunResult } from '../../../evaluator/store.js';
import { Task } from '../../../tasks/schema.js';
import { type Db, now, openDatabase } from '../open.js';
import { baselineGenome } from '../../experiments.js';
import { kyselyRunStore } from './run-store.js';

// evaluate() on a real SQLite file (fresh per test) with a fake runner, so the bookkeeping is tested fast.

const dbs: Db[] = [];
afterEach(async () => {
  await Promise.all(dbs.splice(0).map((d) => d.destroy()));
});

async function freshDb(
  file = join(mkdtempSync(join(tmpdir(), 'evolve-eval-')), 'evolve.db'),
): Promise<{ db: Db; file: string }> {
  const db = await openDatabase(file, { create: true });
  dbs.push(db);
  return { db, file };
}

async function addExperiment(db: Db, id: string): Promise<void> {
  await db
    .insertInto('experiments')
    .values({
      id,
      parent_id: null,
      generation: 0,
      genome: '{}',
      genome_hash: 'x',
      change: '{}',
      change_summary: 'root',
      hypothesis: 'h',
      status: 'evaluating',
      proposer: null,
      authored_by: null,
      branch: null,
      seed: null,
      verdict: null,
      learned: null,
      score: null,
      score_lo: null,
      score_hi: null,
      cost_usd: null,
      flags: '[]',
      created_at: now(),
      finished_at: null,
    })
    .execute();
}

const task = (id: string) =>
  Task.parse({
    id,
    suite: 'test',
    kind: 'swebench',
    statement: 's',
    environment: {},
    workspace: { kind: 'image' },
    grader: { kind: 'swebench', testPatch: '', testCommand: 'true', failToPass: [], passToPass: [] },
  });
const tasks = ['t1', 't2', 't3'].map(task);

type Behaviour = (job: RunJob, signal: AbortSignal) => Promise<RunResult> | RunResult;
function runner(behaviour: Behaviour = () => ({ outcome: 'resolved', exitReason: 'submitted', durationMs: 1 })) {
  const calls: string[] = [];
  let inflight = 0;
  let maxInflight = 0;
  const runOne = async (job: RunJob, signal: AbortSignal) => {
    calls.push(`${job.task.id}#${job.repeat}`);
    maxInflight = Math.max(maxInflight, ++inflight);
    try {
      // Long enough that the next claim (a round trip to a Postgres server) returns while this run is in flight.
      await new Promise((r) => setTimeout(r, 50));
      return await behaviour(job, signal);
    } finally {
      inflight--;
    }
  };
  return {
    runOne,
    calls,
    get maxInflight() {
      return maxInflight;
    },
  };
}

describe('evaluate with the database RunStore', () => {
  it('makes one done row per (task, repeat), respects the concurrency limit and records the evaluation', async () => {
    const { db } = await freshDb();
    await addExperiment(db, 'exp-01');
    const r = runner((job) => ({
      outcome: job.task.id === 't2' ? 'unresolved' : 'resolved',
      exitReason: 'submitted',
      durationMs: 10,
      costUsd: 0.5,
      inputTokens: 10,
      outputTokens: 5,
    }));
    const res = await evaluate({
      experimentId: 'exp-01',
      solver: 'oracle',
      tasks,
      repeats: 2,
      store: kyselyRunStore(db),
      runOne: r.runOne,
      concurrency: 2,
    });
    expect(res.status).toBe('done');
    expect(r.calls).toHaveLength(6);
    expect(r.maxInflight).toBe(2);
    const rows = await db.selectFrom('runs').selectAll().execute();
    expect(rows.map((x) => x.status)).toEqual(Array(6).fill('done'));
    expect(res.summary.resolveRate).toBeCloseTo(2 / 3, 12);
    expect(res.summary.meanCostPerTask).toBe(0.5);
    expect(res.spend.dollars).toBe(3);
    const ev = await db.selectFrom('evaluations').selectAll().executeTakeFirstOrThrow();
    expect(ev.status).toBe('done');
    expect(JSON.parse(ev.config)).toMatchObject({
      concurrency: 2,
      actor: { solver: 'oracle' },
      result: { stopReason: null },
    });
  });

  it('reuses a run only on its exact key: another solver, genome, code or suite of a same-named task runs afresh', async () => {
    const { db } = await freshDb();
    await addExperiment(db, 'exp-01');
    const store = kyselyRunStore(db);
    const calls: string[] = [];
    const once = async (o: Partial<Parameters<typeof evaluate>[0]>, label: string, list = tasks) => {
      const r = runner();
      await evaluate({ experimentId: 'exp-01', tasks: list, store, runOne: r.runOne, concurrency: 1, ...o });
      calls.push(`${label}:${r.calls.length}`);
    };
    const genome = { ...baselineGenome(), model: 'scripted' };
    await once({ solver: 'oracle' }, 'oracle');
    await once({ solver: 'oracle' }, 'oracle again');
    await once({ solver: 'null' }, 'null');
    await once({ genome }, 'agent');
    await once({ genome, actorName: 'model:other' }, 'model override');
    await once({ genome, code: { dir: '/nowhere', commit: 'abc123' } }, 'code variant');
    await once({ genome }, 'agent again');
    // Runs of another version of the installed agent (here the bare key runs had before it was hashed) are not this
    // agent's: after an upgrade they run afresh instead of standing for code that no longer runs.
    await db
      .updateTable('runs')
      .set({ code: 'installed' })
      .where('actor', '=', 'agent')
      .where('code', '=', installedAgentCode())
      .execute();
    await once({ genome }, 'after an upgrade');
    // Suite `other` has tasks of the same ids (and the same content): still not the `test` suite's runs.
    await once(
      { genome },
      'other suite',
      ['t1', 't2', 't3'].map((id) => ({ ...task(id), suite: 'other' })),
    );
    expect(calls).toEqual([
      'oracle:3',
      'oracle again:0',
      'null:3',
      'agent:3',
      'model override:3',
      'code variant:3',
      'agent again:0',
      'after an upgrade:3',
      'other suite:3',
    ]);
    const keys = await db
      .selectFrom('runs')
      .select(['actor', 'code', 'suite_id'])
      .where('task_id', '=', 't1')
      .orderBy('id')
      .execute();
    const installed = installedAgentCode();
    expect(installed).toMatch(/^installed:[0-9a-f]{16}$/);
    expect(keys.map((k) => `${k.actor}|${k.code}|${k.suite_id}`)).toEqual([
      'oracle||test',
      'null||test',
      'agent|installed|test',
      `model:other|${installed}|test`,
      'agent|abc123|test',
      `agent|${installed}|test`,
      `agent|${installed}|other`,
    ]);
  });

  it('resumes: done rows are never redone, rows of a dead worker are reset and redone', async () => {
    const { db } = await freshDb();
    await addExperiment(db, 'exp-01');
    const store = kyselyRunStore(db);
    // The key evaluate() gives the oracle's runs of these tasks.
    const owner = ownerOf('exp-01', { kind: 'solver', solver: 'oracle' });
    const evalId = await store.openEvaluation({
      owner,
      suiteId: 'test',
      split: 'train',
      stage: 'full',
      taskIds: ['t1', 't2', 't3'],
      repeats: 1,
      config: {},
    });
    await store.ensureRuns(evalId, owner, keysFor(['t1', 't2', 't3'], 1, new Map(tasks.map((t) => [t.id, t]))));
    await db
      .updateTable('runs')
      .set({ status: 'done', outcome: 'resolved', worker: '1@elsewhere' })
      .where('task_id', '=', 't1')
      .execute();
    // pid 2^22+1 is above Linux's pid_max, so this worker is certainly dead.
    await db
      .updateTable('runs')
      .set({ status: 'running', worker: `4194305@${(await import('node:os')).hostname()}`, attempts: 1 })
      .where('task_id', '=', 't2')
      .execute();
    const r = runner();
    const res = await evaluate({
      experimentId: 'exp-01',
      solver: 'oracle',
      tasks,
      store,
      runOne: r.runOne,
      concurrency: 1,
    });
    expect(r.calls.sort()).toEqual(['t2#0', 't3#0']);
    expect(res.runs.map((x) => [x.taskId, x.status])).toEqual([
      ['t1', 'done'],
      ['t2', 'done'],
      ['t3', 'done'],
    ]);
    expect((await db.selectFrom('evaluations').select('id').execute()).length).toBe(1);
    const again = runner();
    await evaluate({ experimentId: 'exp-01', solver: 'oracle', tasks, store, runOne: again.runOne });
    expect(again.calls).toEqual([]);
  });

  it('retries an infra error once, never counts it as a task failure, and stops after N in a row', async () => {
    const { db } = await freshDb();
    await addExperiment(db, 'exp-01');
    const seen = new Map<string, number>();
    const r = runner((job) => {
      const n = (seen.get(job.task.id) ?? 0) + 1;
      seen.set(job.task.id, n);
      if (job.task.id === 't1' && n === 1)
        return {
          outcome: null,
          exitReason: null,
          infraError: { kind: 'container_gone', message: 'gone' },
          durationMs: 1,
        };
      if (job.task.id === 't2')
        return {
          outcome: null,
          exitReason: null,
          infraError: { kind: 'unparseable_log', message: 'no log' },
          durationMs: 1,
        };
      return { outcome: 'unresolved', exitReason: 'step_limit', durationMs: 1 };
    });
    const res = await evaluate({
      experimentId: 'exp-01',
      solver: 'null',
      tasks,
      store: kyselyRunStore(db),
      runOne: r.runOne,
      concurrency: 1,
    });
    expect(seen).toEqual(
      new Map([
        ['t1', 2],
        ['t2', 2],
        ['t3', 1],
      ]),
    );
    const t2 = res.runs.find((x) => x.taskId === 't2')!;
    expect([t2.status, t2.outcome, t2.infraError?.kind]).toEqual(['error', null, 'unparseable_log']);
    expect(res.summary.tasks).toBe(2);

    await addExperiment(db, 'exp-02');
    const broken = runner(() => ({
      outcome: null,
      exitReason: null,
      infraError: { kind: 'engine_unavailable', message: 'no docker' },
      durationMs: 1,
    }));
    const stopped = await evaluate({
      experimentId: 'exp-02',
      solver: 'null',
      tasks,
      store: kyselyRunStore(db),
      runOne: broken.runOne,
      concurrency: 1,
      maxConsecutiveInfraErrors: 3,
    });
    expect([stopped.status, stopped.stopReason]).toEqual(['failed', 'infra_errors']);
    expect(broken.calls).toHaveLength(3);
  });

  it('stops starting runs when the dollar budget is spent, and a later call with more budget finishes', async () => {
    const { db } = await freshDb();
    await addExperiment(db, 'exp-01');
    const store = kyselyRunStore(db);
    const r = runner(() => ({ outcome: 'resolved', exitReason: 'submitted', durationMs: 1, costUsd: 1 }));
    const res = await evaluate({
      experimentId: 'exp-01',
      solver: 'oracle',
      tasks,
      repeats: 2,
      store,
      runOne: r.runOne,
      concurrency: 1,
      budget: { dollars: 2 },
    });
    expect([res.status, res.stopReason]).toEqual(['stopped', 'budget_dollars']);
    expect(res.runs.filter((x) => x.status === 'done')).toHaveLength(2);
    expect(res.runs.filter((x) => x.status === 'pending')).toHaveLength(4);
    const more = await evaluate({
      experimentId: 'exp-01',
      solver: 'oracle',
      tasks,
      repeats: 2,
      store,
      runOne: r.runOne,
      concurrency: 1,
      budget: { dollars: 10 },
    });
    expect(more.status).toBe('done');
    expect(r.calls).toHaveLength(6);
  });

  it('on interrupt starts nothing new, puts in-flight runs back to pending, and redoes them on resume', async () => {
    const { db } = await freshDb();
    await addExperiment(db, 'exp-01');
    const store = kyselyRunStore(db);
    const ctl = new AbortController();
    const r = runner(async (_job, signal) => {
      ctl.abort();
      await new Promise((res) => (signal.aborted ? res(null) : signal.addEventListener('abort', res)));
      return { outcome: null, exitReason: 'cancelled', durationMs: 1 };
    });
    const res = await evaluate({
      experimentId: 'exp-01',
      solver: 'oracle',
      tasks,
      store,
      runOne: r.runOne,
      concurrency: 2,
      signal: ctl.signal,
    });
    expect([res.status, res.stopReason]).toEqual(['stopped', 'interrupted']);
    expect(r.calls.length).toBeLessThanOrEqual(2);
    // Nothing is left running or half-counted: the interrupted runs are pending again, with no worker.
    expect(res.runs.map((x) => [x.status, x.worker])).toEqual(res.runs.map(() => ['pending', null]));
    const ev = await db.selectFrom('evaluations').selectAll().executeTakeFirstOrThrow();
    expect([ev.status, JSON.parse(ev.config).result.stopReason]).toEqual(['stopped', 'interrupted']);
    const done = await evaluate({ experimentId: 'exp-01', solver: 'oracle', tasks, store, runOne: runner().runOne });
    expect(done.runs.map((x) => x.status)).toEqual(['done', 'done', 'done']);
  });

  it('staged: skips stage 2 when stage 1 falls below reference minus margin, and records the gate', async () => {
    const { db } = await freshDb();
    await addExperiment(db, 'exp-01');
    const six = ['a', 'b', 'c', 'd', 'e', 'f'].map(task);
    const r = runner((job) => ({
      outcome: job.task.id === 'a' ? 'resolved' : 'unresolved',
      exitReason: 'submitted',
      durationMs: 1,
    }));
    const seenRef: string[][] = [];
    const stages = {
      stages: [{ name: 'screen', tasks: 2 }, { name: 'rest' }],
      gate: { margin: 0.1 },
      reference: (ids: string[]) => (seenRef.push(ids), 1),
    };
    const res = await evaluate({
      experimentId: 'exp-01',
      solver: 'null',
      tasks: six,
      store: kyselyRunStore(db),
      runOne: r.runOne,
      stages,
    });
    expect(seenRef).toEqual([['a', 'b']]);
    expect(res.skippedStages).toEqual(['rest']);
    expect(res.stages[0]!.gate).toMatchObject({ score: 0.5, reference: 1, threshold: 0.9, passed: false });
    expect(r.calls.sort()).toEqual(['a#0', 'b#0']);
    const ev = await db.selectFrom('evaluations').selectAll().execute();
    expect(ev.map((e) => e.stage)).toEqual(['screen']);
    expect(JSON.parse(ev[0]!.config)).toMatchObject({
      stages: {
        plan: [
          { name: 'screen', tasks: 2 },
          { name: 'rest', tasks: 4 },
        ],
        gate: { margin: 0.1 },
      },
      result: { gate: { passed: false } },
    });

    await addExperiment(db, 'exp-02');
    const good = runner();
    const passed = await evaluate({
      experimentId: 'exp-02',
      solver: 'oracle',
      tasks: six,
      store: kyselyRunStore(db),
      runOne: good.runOne,
      stages,
    });
    expect(passed.stages.map((s) => [s.stage, s.taskIds.length, s.gate?.passed])).toEqual([
      ['screen', 2, true],
      ['rest', 4, undefined],
    ]);
    expect(good.calls).toHaveLength(6);
  });

  // Separate processes are covered in evaluate.docker.test.ts; in one process better-sqlite3 waits for a lock
  // synchronously, so two connections here would deadlock by construction. They share one connection instead.
  it('two evaluations of one experiment running at once share the work, each run done exactly once', async () => {
    const { db } = await freshDb();
    await addExperiment(db, 'exp-01');
    const other = db;
    const eight = Array.from({ length: 8 }, (_, i) => task(`t${i}`));
    const a = runner();
    const b = runner();
    const [ra, rb] = await Promise.all([
      evaluate({
        experimentId: 'exp-01',
        solver: 'oracle',
        tasks: eight,
        store: kyselyRunStore(db),
        runOne: a.runOne,
        concurrency: 2,
        pollMs: 20,
      }),
      evaluate({
        experimentId: 'exp-01',
        solver: 'oracle',
        tasks: eight,
        store: kyselyRunStore(other),
        runOne: b.runOne,
        concurrency: 2,
        pollMs: 20,
      }),
    ]);
    expect([...a.calls, ...b.calls].sort()).toEqual(eight.map((t) => `${t.id}#0`).sort());
    expect(ra.runs.every((x) => x.status === 'done')).toBe(true);
    expect(rb.runs).toHaveLength(8);
    expect((await db.selectFrom('runs').select('id').execute()).length).toBe(8);
  });
});
