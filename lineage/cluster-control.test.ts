// vitest project: e2e
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/testing/run-cli.js';
import { QUEUE_SCHEMA } from '../evaluator/cluster/queue.js';
import { createPostgresDatabase, dropPostgresDatabase, postgresTestUrl } from './db/testing/postgres.js';
import { evaluateExperiment, loadTasksFromDb } from './evaluate-experiment.js';
import { clusterLab, startScriptedWorker, stopWorker, waitFor } from './testing/cluster-lab.js';
import { readLiveState } from './read-api.js';
import { openWorkspace, type Workspace } from './workspace.js';
import type { Task } from '../tasks/schema.js';

// Who takes a queued run, and what a stop does to the queue: `--labels` routing (a run whose task needs a label goes
// only to a worker serving it), a SIGINTed worker handing its runs back at once (not when its lease lapses), and an
// orchestrator that stops (budget, Ctrl-C) taking back the jobs no worker has started. Needs EVOLVE_TEST_POSTGRES_URL.

const server = postgresTestUrl();
const made: string[] = [];

async function freshDatabase(): Promise<string> {
  const url = await createPostgresDatabase('cluster_control');
  made.push(url);
  return url;
}

afterAll(async () => {
  for (const url of made) await dropPostgresDatabase(url);
});

const runsOf = (ws: Workspace) =>
  ws.db
    .selectFrom('runs')
    .select(['id', 'task_id', 'status', 'worker', 'attempts'])
    .where('experiment_id', '=', 'exp-01')
    .orderBy('id')
    .execute();

async function jobStates(url: string): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      `select state, count(*)::int as n from ${QUEUE_SCHEMA}.job where name like 'runs%' group by state`,
    );
    return Object.fromEntries(rows.map((r: { state: string; n: number }) => [r.state, r.n]));
  } finally {
    await client.end();
  }
}

describe.skipIf(!server)('cluster: who takes a run, and stopping', () => {
  it('--labels: runs of tasks that need a label wait for a worker serving it; every other run goes to a default worker', async () => {
    const url = await freshDatabase();
    const { lab } = await clusterLab(url, { labels: { 'tag:multi-file': 'big' } });
    const plain = await startScriptedWorker(url, { concurrency: 2, runMs: 100, leaseSeconds: 2 });
    let big: Awaited<ReturnType<typeof startScriptedWorker>> | undefined;
    const watch = await openWorkspace(lab);
    try {
      const orchestrator = runCli(['eval', 'exp-01', '--subset', '6', '--json'], lab);
      let tasks = new Map<string, Task>();
      const needsBig = (taskId: string) => tasks.get(taskId)!.tags.includes('multi-file');
      // Only the default worker is up: it runs every unlabelled run and leaves the labelled ones queued.
      const first = await waitFor('the unlabelled runs to finish', async () => {
        const rows = await runsOf(watch);
        if (rows.length < 6) return undefined; // the suite is loaded and the rows made by then
        if (tasks.size === 0)
          tasks = new Map((await loadTasksFromDb(watch.db, 'builtin', 'train')).map((t) => [t.id, t]));
        return rows.filter((r) => !needsBig(r.task_id)).every((r) => r.status === 'done') ? rows : undefined;
      });
      const labelled = first.filter((r) => needsBig(r.task_id));
      expect(labelled.length).toBeGreaterThan(0);
      expect(labelled.length).toBeLessThan(6);
      await new Promise((r) => setTimeout(r, 1500));
      for (const r of (await runsOf(watch)).filter((r) => needsBig(r.task_id)))
        expect({ status: r.status, attempts: r.attempts }).toEqual({ status: 'pending', attempts: 0 });
      // The live view (through the TUI's read API) shows them queued on the cluster, no worker holding one.
      const live = await readLiveState(watch.db);
      expect(live.experiments.find((p) => p.experimentId === 'exp-01')).toMatchObject({
        role: 'eval',
        queued: true,
        total: 6,
        done: 6 - labelled.length,
        pending: labelled.length,
        running: 0,
      });
      expect(live.workers).toEqual([]);

      big = await startScriptedWorker(url, { concurrency: 1, runMs: 100, leaseSeconds: 2, labels: ['big'] });
      const out = await orchestrator;
      expect(out.code, out.err).toBe(0);
      for (const r of await runsOf(watch)) {
        expect(r.status).toBe('done');
        const by = needsBig(r.task_id) ? big : plain;
        expect(r.worker?.startsWith(`${by.pid}@`), `${r.task_id} run by ${r.worker}`).toBe(true);
      }
    } finally {
      await watch.close();
      stopWorker(plain);
      if (big) stopWorker(big);
    }
  }, 120_000);

  it('a SIGINTed worker puts its runs back at once: another worker finishes them long before the lease or its own teardown ends', async () => {
    const url = await freshDatabase();
    const { base, lab } = await clusterLab(url, { leaseSeconds: 60 });
    const log = join(base, 'completions.log');
    writeFileSync(log, '');
    // A's runs take 20 s and, cancelled, 30 s more to wind down; its lease is 60 s. B's take 0.2 s.
    const a = await startScriptedWorker(url, {
      concurrency: 2,
      runMs: 20_000,
      leaseSeconds: 60,
      log,
      teardownMs: 30_000,
    });
    const b = await startScriptedWorker(url, { concurrency: 1, runMs: 200, leaseSeconds: 60, log });
    const watch = await openWorkspace(lab);
    try {
      const orchestrator = runCli(['eval', 'exp-01', '--subset', '3', '--repeats', '2', '--json'], lab);
      const held = await waitFor('worker A to hold a run', async () => {
        const ids = (await runsOf(watch))
          .filter((r) => r.status === 'running' && r.worker?.startsWith(`${a.pid}@`))
          .map((r) => r.id);
        return ids.length > 0 ? ids : undefined;
      });
      // The live view (through the TUI's read API) names the worker holding them.
      const live = await readLiveState(watch.db);
      const aLive = live.workers.find((w) => w.worker.startsWith(`${a.pid}@`));
      expect(aLive).toMatchObject({ experiments: ['exp-01'] });
      expect(aLive!.running).toBeGreaterThanOrEqual(held.length);
      expect(live.experiments.find((p) => p.experimentId === 'exp-01')?.queued).toBe(true);
      process.kill(a.pid!, 'SIGINT');
      const t0 = Date.now();
      const out = await orchestrator;
      expect(out.code, out.err).toBe(0);
      expect(Date.now() - t0).toBeLessThan(15_000);
      expect(a.exitCode).toBeNull(); // still winding its cancelled runs down: the runs went back before that ended

      const rows = await runsOf(watch);
      expect(rows.every((r) => r.status === 'done')).toBe(true);
      for (const id of held) {
        const row = rows.find((r) => r.id === id)!;
        expect(row.attempts).toBe(2);
        expect(row.worker?.startsWith(`${b.pid}@`)).toBe(true);
      }
      // Each run completed once, none by A.
      const completions = readFileSync(log, 'utf8').trim().split('\n');
      expect(completions.map((l) => Number(l.split(' ')[0])).sort((x, y) => x - y)).toEqual(rows.map((r) => r.id));
      expect(completions.some((l) => l.endsWith(` ${a.pid}`))).toBe(false);
    } finally {
      await watch.close();
      if (a.exitCode === null) process.kill(-a.pid!, 'SIGKILL');
      stopWorker(b);
    }
  }, 120_000);

  it.each([
    ['budget', 'budget_dollars'],
    ['Ctrl-C', 'interrupted'],
  ])(
    'an orchestrator stopped by its %s takes its queued jobs back: no worker starts them',
    async (why, reason) => {
      const url = await freshDatabase();
      const { lab } = await clusterLab(url);
      const worker = await startScriptedWorker(url, { concurrency: 1, runMs: 300, leaseSeconds: 2 });
      const ws = await openWorkspace(lab);
      try {
        const ctl = new AbortController();
        let done = 0;
        // Scripted runs cost $0.001: the budget stops after three, Ctrl-C comes after two.
        const r = await evaluateExperiment(ws, {
          experimentId: 'exp-01',
          subset: 6,
          repeats: 2,
          ...(why === 'budget' ? { budget: { dollars: 0.0025 } } : { signal: ctl.signal }),
          onProgress: (p) => {
            if (p.event?.type === 'run' && p.event.status === 'done' && ++done === 2 && why === 'Ctrl-C') ctl.abort();
          },
        });
        expect({ status: r.status, stop: r.stopReason }).toEqual({ status: 'stopped', stop: reason });
        // The run in flight at the stop finishes and is recorded; nothing queued is started after it.
        await waitFor('the run in flight to end', async () =>
          (await runsOf(ws)).some((r) => r.status === 'running') ? undefined : true,
        );
        const settled = await runsOf(ws);
        await new Promise((r) => setTimeout(r, 2000));
        expect(await runsOf(ws)).toEqual(settled);
        const left = settled.filter((r) => r.status === 'pending').length;
        expect(left).toBeGreaterThanOrEqual(7);
        const states = await jobStates(url);
        expect(states.created ?? 0).toBe(0);
        expect(states.active ?? 0).toBe(0);
        expect(states.cancelled).toBe(left);
      } finally {
        await ws.close();
        stopWorker(worker);
      }
    },
    120_000,
  );
});
