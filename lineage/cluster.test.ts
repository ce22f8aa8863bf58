// vitest project: e2e
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase, dropPostgresDatabase, postgresTestUrl } from './db/testing/postgres.js';
import { runCli } from '../cli/testing/run-cli.js';
import { QUEUE_SCHEMA } from '../evaluator/cluster/queue.js';
import { evaluateExperiment } from './evaluate-experiment.js';
import { startScriptedWorker } from './testing/cluster-lab.js';
import { scriptedOutcome, scriptedRunOne } from './testing/scripted-runs.js';
import { openWorkspace } from './workspace.js';

// A queued evaluation with two worker processes (separate process trees, concurrency 2 and 1), one SIGKILLed while it
// holds runs: every run completes exactly once, the killed worker's runs are taken over once their lease lapses, and
// the results equal an in-process evaluation of the same scripted runs. Nothing secret reaches the queue, the
// database or the shared storage. Needs a Postgres server (EVOLVE_TEST_POSTGRES_URL).

const server = postgresTestUrl();
const SECRET = 'sk-ant-api03-clusterTestSecretValue0123456789';
const made: string[] = [];

async function freshDatabase(): Promise<string> {
  const url = await createPostgresDatabase('cluster');
  made.push(url);
  return url;
}

const startWorker = (url: string, concurrency: number, log: string) =>
  startScriptedWorker(url, { concurrency, runMs: 1500, leaseSeconds: 2, log, env: { ANTHROPIC_API_KEY: SECRET } });

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

afterAll(async () => {
  for (const url of made) await dropPostgresDatabase(url);
});

describe.skipIf(!server)('cluster: queued evaluation on pg-boss', () => {
  it('two workers, one SIGKILLed mid-run: every run completes once, the killed runs are retried, results equal in-process', async () => {
    const url = await freshDatabase();
    const base = mkdtempSync(join(tmpdir(), 'evolve-cluster-'));
    const lab = join(base, 'lab');
    const log = join(base, 'completions.log');
    writeFileSync(log, '');
    // The cluster's shape: the lineage database and the queue on one Postgres (cluster.url defaults to it).
    mkdirSync(lab);
    writeFileSync(
      join(lab, 'evolve.json'),
      JSON.stringify({
        version: 1,
        databaseUrl: url,
        defaults: { sandbox: 'local' },
        cluster: { storage: join(base, 'shared'), leaseSeconds: 2, maintenanceSeconds: 1, pollMs: 100 },
      }),
    );
    expect((await runCli(['init', lab], base)).code).toBe(0);
    const a = await startWorker(url, 2, log);
    const b = await startWorker(url, 1, log);
    const before = process.env.ANTHROPIC_API_KEY;
    process.env.ANTHROPIC_API_KEY = SECRET;
    try {
      const orchestrator = runCli(['eval', 'exp-01', '--subset', '6', '--repeats', '2', '--json'], lab);
      // SIGKILL worker A once it holds a run.
      const watch = await openWorkspace(lab);
      let killedRuns: number[] = [];
      for (let i = 0; i < 600 && killedRuns.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 50));
        const rows = await watch.db.selectFrom('runs').select(['id', 'worker', 'status']).execute();
        killedRuns = rows.filter((r) => r.status === 'running' && r.worker?.startsWith(`${a.pid}@`)).map((r) => r.id);
      }
      expect(killedRuns.length).toBeGreaterThan(0);
      process.kill(-a.pid!, 'SIGKILL');
      const out = await orchestrator;
      expect(out.code, out.err).toBe(0);

      const rows = await watch.db
        .selectFrom('runs')
        .select(['id', 'task_id', 'repeat', 'status', 'outcome', 'attempts', 'worker', 'cost_usd'])
        .where('experiment_id', '=', 'exp-01')
        .execute();
      await watch.close();
      expect(rows).toHaveLength(12);
      expect(rows.every((r) => r.status === 'done')).toBe(true);
      // Each run completed once: one line per run in the completions log, none by the killed worker after the kill.
      const completions = readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .map((l) => Number(l.split(' ')[0]));
      expect(completions.sort((x, y) => x - y)).toEqual(rows.map((r) => r.id).sort((x, y) => x - y));
      // The killed worker's runs were taken over by the other worker once their lease lapsed.
      for (const id of killedRuns) {
        const row = rows.find((r) => r.id === id)!;
        expect(row.attempts).toBeGreaterThanOrEqual(2);
        expect(row.worker?.startsWith(`${b.pid}@`)).toBe(true);
      }
      const result = JSON.parse(out.out) as { summary: { runs: number }; spend: { dollars: number } };
      expect(result.summary.runs).toBe(12);
      expect(result.spend.dollars).toBeCloseTo(0.012, 6);

      // The same scripted runs in-process, on a workspace with no cluster: the same outcomes per task and repeat.
      const solo = join(base, 'solo');
      expect((await runCli(['init', solo], base)).code).toBe(0);
      const ws = await openWorkspace(solo);
      try {
        const inProcess = await evaluateExperiment(ws, {
          experimentId: 'exp-01',
          subset: 6,
          repeats: 2,
          wiring: { runOne: scriptedRunOne(10) },
        });
        const key = (r: { task_id?: string; taskId?: string; repeat: number; outcome: string | null }) =>
          `${r.task_id ?? r.taskId}#${r.repeat}=${r.outcome}`;
        expect(rows.map(key).sort()).toEqual(inProcess.runs.map(key).sort());
        for (const r of rows) expect(r.outcome).toBe(scriptedOutcome(r.task_id, r.repeat));
      } finally {
        await ws.close();
      }

      // No key in the queue's jobs, the runs table or the shared storage.
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const jobs = await client.query(`select data::text as data from ${QUEUE_SCHEMA}.job`);
      expect(jobs.rows.length).toBeGreaterThanOrEqual(12);
      for (const j of jobs.rows as { data: string }[]) expect(j.data).not.toContain(SECRET);
      for (const table of ['runs', 'evaluations', 'experiments', 'tasks']) {
        const all = await client.query(`select t::text as row from ${table} t`);
        for (const r of all.rows as { row: string }[]) expect(r.row, table).not.toContain(SECRET);
      }
      await client.end();
      for (const f of filesUnder(base)) expect(readFileSync(f).includes(SECRET), f).toBe(false);
    } finally {
      if (before === undefined) delete process.env.ANTHROPIC_API_KEY;
      else process.env.ANTHROPIC_API_KEY = before;
      for (const w of [a, b]) if (w.exitCode === null && w.signalCode === null) process.kill(-w.pid!, 'SIGTERM');
    }
  }, 240_000);
});

it('evolve worker without a cluster section says what to add', async () => {
  const lab = join(mkdtempSync(join(tmpdir(), 'evolve-cluster-')), 'lab');
  expect((await runCli(['init', lab], tmpdir())).code).toBe(0);
  const r = await runCli(['worker'], lab);
  expect(r.code).not.toBe(0);
  expect(r.err).toContain('evolve.json has no "cluster" section');
});
