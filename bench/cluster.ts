// bench/cluster: queue-backed evaluation (pg-boss, `evolve worker`-style processes) against the in-process evaluator
// on this machine, side by side, with scripted runs of a fixed length (lineage/testing/scripted-runs.ts: no sandbox,
// so what is measured is the evaluator and the queue, not Docker). Then the claim path: 1,000 zero-length runs through
// 4 workers x 4 slots, counted for duplicates.
// Usage: npx tsx bench/cluster.ts   (Postgres: EVOLVE_BENCH_POSTGRES_URL or EVOLVE_TEST_POSTGRES_URL; the lineage
// database goes there too unless EVOLVE_BENCH_STORE=sqlite)
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { runCli } from '../cli/testing/run-cli.js';
import { evaluateExperiment } from '../lineage/evaluate-experiment.js';
import { scriptedRunOne } from '../lineage/testing/scripted-runs.js';
import { openWorkspace, type Workspace } from '../lineage/workspace.js';
import { runsOfExperiment } from '../lineage/db/repos/runs.js';

const server =
  process.env.EVOLVE_BENCH_POSTGRES_URL ??
  process.env.EVOLVE_TEST_POSTGRES_URL ??
  'postgres://postgres:evolve@127.0.0.1:5432/postgres';
const onPostgres = process.env.EVOLVE_BENCH_STORE !== 'sqlite';
const RUN_MS = Number(process.env.EVOLVE_BENCH_RUN_MS ?? 1000);
const TASKS = 12;
const REPEATS = 4;
const RUNS = TASKS * REPEATS;
const WORKER = resolve(import.meta.dirname, '..', 'lineage', 'testing', 'scripted-worker.ts');
const base = mkdtempSync(join(tmpdir(), 'evolve-bench-cluster-'));
const made: string[] = [];

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

async function database(): Promise<string> {
  const name = `evolve_bench_cluster_${process.pid}_${made.length}`;
  await admin(`create database ${name}`);
  made.push(name);
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A fresh lab (exp-01 on the built-in suite), its lineage database on Postgres (or SQLite), optionally clustered. */
async function lab(name: string, clustered: boolean): Promise<{ ws: Workspace; queueUrl: string }> {
  const root = join(base, name);
  mkdirSync(root);
  const queueUrl = await database();
  writeFileSync(
    join(root, 'evolve.json'),
    JSON.stringify({
      version: 1,
      ...(onPostgres ? { databaseUrl: queueUrl } : {}),
      defaults: { sandbox: 'local' },
      ...(clustered
        ? { cluster: { url: queueUrl, storage: join(base, 'shared'), leaseSeconds: 30, pollMs: 100 } }
        : {}),
    }),
  );
  const init = await runCli(['init', root], base);
  if (init.code !== 0) throw new Error(init.err);
  return { ws: await openWorkspace(root), queueUrl };
}

/** Wall time of the evaluation's runs: from its stage starting to its end (suite loading and row setup excluded). */
async function timedEval(ws: Workspace, options: Parameters<typeof evaluateExperiment>[1]) {
  let t0 = 0;
  let t1 = 0;
  const r = await evaluateExperiment(ws, {
    ...options,
    onProgress: (p) => {
      if (p.event?.type === 'stage' && t0 === 0) t0 = Date.now();
      if (p.event?.type === 'end') t1 = Date.now();
    },
  });
  if (r.summary.runs !== options.subset! * options.repeats!) throw new Error(`only ${r.summary.runs} runs finished`);
  return (t1 - t0) / 1000;
}

/**
 * Per-run cost of the machinery in steady state, from the rows: the slots' busy span minus the runs' own time, per
 * run (claiming, recording, and for the queue fetching and acknowledging). Excludes the evaluation's one-off start
 * and its last progress poll, which the wall times include.
 */
async function perRunOverheadMs(ws: Workspace, slots: number): Promise<number> {
  const rows = await runsOfExperiment(ws.db, 'exp-01');
  const start = Math.min(...rows.map((r) => Date.parse(r.started_at!)));
  const end = Math.max(...rows.map((r) => Date.parse(r.finished_at!)));
  const own = rows.reduce((s, r) => s + (r.duration_ms ?? 0), 0);
  return ((end - start) * slots - own) / rows.length;
}

function startWorkers(url: string, n: number, concurrency: number, ms: number, log: string): Promise<ChildProcess[]> {
  return Promise.all(
    Array.from({ length: n }, () => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', WORKER, url, String(concurrency), String(ms), '30', log],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      return new Promise<ChildProcess>((ready, fail) => {
        child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && ready(child));
        child.on('exit', (code) => fail(new Error(`worker exited ${code}`)));
      });
    }),
  );
}

async function stopWorkers(workers: ChildProcess[]): Promise<void> {
  await Promise.all(
    workers.map(
      (w) =>
        new Promise<void>((done) => {
          w.removeAllListeners('exit');
          w.on('exit', () => done());
          w.kill('SIGTERM');
        }),
    ),
  );
}

const rows: string[] = [];
let worstOverhead = 0;
try {
  for (const slots of [1, 2, 4]) {
    const solo = await lab(`in-process-${slots}`, false);
    const inProcess = await timedEval(solo.ws, {
      experimentId: 'exp-01',
      subset: TASKS,
      repeats: REPEATS,
      concurrency: slots,
      wiring: { runOne: scriptedRunOne(RUN_MS) },
    });
    const soloPerRun = await perRunOverheadMs(solo.ws, slots);
    await solo.ws.close();

    const clustered = await lab(`queued-${slots}`, true);
    const log = join(base, `queued-${slots}.log`);
    writeFileSync(log, '');
    const workers = await startWorkers(clustered.queueUrl, slots, 1, RUN_MS, log);
    const queued = await timedEval(clustered.ws, { experimentId: 'exp-01', subset: TASKS, repeats: REPEATS });
    await stopWorkers(workers);
    const queuedPerRun = await perRunOverheadMs(clustered.ws, slots);
    await clustered.ws.close();

    const ideal = (RUNS * RUN_MS) / 1000 / slots;
    const wallMs = ((queued - inProcess) * 1000 * slots) / RUNS;
    const overheadMs = queuedPerRun - soloPerRun;
    worstOverhead = Math.max(worstOverhead, overheadMs);
    rows.push(
      `| ${slots} | ${((RUNS / inProcess) * 60).toFixed(1)} (${inProcess.toFixed(1)} s) | ${((RUNS / queued) * 60).toFixed(1)} (${queued.toFixed(1)} s) | ${ideal.toFixed(1)} s | ${soloPerRun.toFixed(0)} / ${queuedPerRun.toFixed(0)} ms | ${overheadMs.toFixed(0)} ms | ${wallMs.toFixed(0)} ms |`,
    );
    console.log(rows.at(-1));
  }

  // The claim path: 1,000 zero-length runs, 4 worker processes x 4 slots.
  const claims = await lab('claims', true);
  const log = join(base, 'claims.log');
  writeFileSync(log, '');
  const workers = await startWorkers(claims.queueUrl, 4, 4, 0, log);
  const seconds = await timedEval(claims.ws, { experimentId: 'exp-01', subset: 20, repeats: 50 });
  await stopWorkers(workers);
  const runRows = await runsOfExperiment(claims.ws.db, 'exp-01'); // the only experiment the claims evaluation runs
  await claims.ws.close();
  const completions = readFileSync(log, 'utf8').trim().split('\n');
  const distinct = new Set(completions.map((l) => l.split(' ')[0]));
  const duplicates = completions.length - distinct.size;
  const retaken = runRows.filter((r) => r.attempts !== 1).length;
  const perMinute = (1000 / seconds) * 60;

  console.log(
    `\nbench/cluster: ${RUNS} scripted runs of ${RUN_MS} ms on the built-in suite (${TASKS} tasks x ${REPEATS}), lineage database on ${onPostgres ? 'Postgres' : 'SQLite'}, queue on Postgres (pg-boss)\n`,
  );
  console.log(
    '| slots (in-process concurrency = worker processes x 1) | in-process runs/min (wall) | queued runs/min (wall) | ideal wall | machinery per run, in-process / queued | queue overhead per run | wall difference per run (incl. one-off start and end) |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) console.log(r);
  console.log(
    `\nclaim path: 1000 runs, 4 workers x 4 slots: ${seconds.toFixed(1)} s, ${perMinute.toFixed(0)} claims/min; completions ${completions.length}, duplicates ${duplicates}, rows taken more than once ${retaken}, rows done ${runRows.filter((r) => r.status === 'done').length}`,
  );
  const ok =
    worstOverhead < 50 && perMinute >= 1000 && duplicates === 0 && retaken === 0 && completions.length === 1000;
  console.log(
    `targets: overhead < 50 ms per run (worst ${worstOverhead.toFixed(0)} ms), >= 1000 claims/min with no duplicate: ${ok ? 'met' : 'MISSED'}`,
  );
  process.exitCode = ok ? 0 : 1;
} finally {
  for (const name of made) await admin(`drop database if exists ${name} with (force)`).catch(() => undefined);
}
