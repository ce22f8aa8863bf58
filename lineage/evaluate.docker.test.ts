import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeDocker } from '../test/docker.js';
import { openWorkspace } from './workspace.js';

// `evolve eval` as a user runs it: the real binary in separate processes, real Docker, the oracle solver on
// built-in tasks. In one process better-sqlite3 cannot show two writers (db/repos/run-store.test.ts shares a connection);
// here two processes share the database file, and a signal really arrives while containers are running.
const BIN = resolve(import.meta.dirname, '..', 'cli', 'bin.mjs');
let root = '';

function evalProcess(...extra: string[]): { child: ChildProcess; stderr: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [BIN, '--workspace', root, 'eval', 'exp-01', '--solver', 'oracle', ...extra], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  child.stdout!.resume();
  const exit = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return { child, stderr: () => err, exit };
}

/** Resolves once a finished run's plain progress line has been printed (stderr is a pipe, so no live line). */
function firstFinishedRun(p: ReturnType<typeof evalProcess>): Promise<void> {
  return new Promise((done) => {
    const check = () => (/\] \S+#0 resolved/.test(p.stderr()) ? done() : undefined);
    p.child.stderr!.on('data', check);
    p.child.on('exit', () => done());
  });
}

async function rows() {
  const ws = await openWorkspace(root);
  try {
    return await ws.db
      .selectFrom('runs')
      .select(['id', 'task_id', 'repeat', 'status', 'outcome', 'attempts', 'worker', 'finished_at'])
      .orderBy('task_id')
      .execute();
  } finally {
    await ws.close();
  }
}

/** Killed sandboxes are auto-removed by the engine, which can take a moment. */
async function leftoverContainers(): Promise<string> {
  const list = () =>
    spawnSync('docker', ['ps', '-aq', '--filter', `label=evolve.workspace=${root}`], {
      encoding: 'utf8',
    }).stdout.trim();
  for (let i = 0; i < 40 && list() !== ''; i++) await new Promise((r) => setTimeout(r, 500));
  return list();
}

describeDocker('evolve eval in separate processes', () => {
  beforeAll(() => {
    root = join(mkdtempSync(join(tmpdir(), 'evolve-evalproc-')), 'lab');
    expect(spawnSync(process.execPath, [BIN, 'init', root]).status).toBe(0);
  });
  afterAll(async () => {
    expect(await leftoverContainers()).toBe('');
  });

  it('two evaluations of one experiment at once share the database: every run done exactly once, by one of them', async () => {
    const a = evalProcess('--subset', '4', '--concurrency', '1');
    const b = evalProcess('--subset', '4', '--concurrency', '1');
    expect([await a.exit, await b.exit], `${a.stderr()}\n---\n${b.stderr()}`).toEqual([0, 0]);
    const runs = await rows();
    expect(runs.map((r) => [r.status, r.outcome, r.attempts])).toEqual(Array(4).fill(['done', 'resolved', 1]));
    expect(new Set(runs.map((r) => r.task_id)).size).toBe(4);
    expect(runs.every((r) => [a.child.pid, b.child.pid].some((pid) => r.worker?.startsWith(`${pid}@`)))).toBe(true);
  });

  it('Ctrl-C stops starting runs and records it; SIGKILL leaves nothing that resume does not repair', async () => {
    // SIGINT once a run has finished and the next one is in flight.
    const first = evalProcess('--subset', '10', '--concurrency', '2');
    await firstFinishedRun(first);
    first.child.kill('SIGINT');
    expect(await first.exit, first.stderr()).toBe(130);
    expect(first.stderr()).toMatch(
      /Interrupted: no new runs start; runs in flight are cancelled and put back to pending/,
    );
    expect(first.stderr()).toMatch(/stopped \(interrupted\)/);
    const ws = await openWorkspace(root);
    try {
      const ev = await ws.db
        .selectFrom('evaluations')
        .select(['status', 'config'])
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      expect([ev.status, JSON.parse(ev.config).result.stopReason]).toEqual(['stopped', 'interrupted']);
    } finally {
      await ws.close();
    }
    const afterInt = await rows();
    expect(afterInt.filter((r) => r.status === 'running')).toEqual([]);
    expect(afterInt.filter((r) => r.status === 'pending').length).toBeGreaterThan(0);
    expect(await leftoverContainers()).toBe('');

    // SIGKILL mid-run: the in-flight row stays `running` under a dead worker, its containers stay up.
    const second = evalProcess('--subset', '10', '--concurrency', '2');
    await firstFinishedRun(second);
    second.child.kill('SIGKILL');
    await second.exit;
    const afterKill = await rows();
    expect(afterKill.filter((r) => r.status === 'running').length, second.stderr()).toBeGreaterThan(0);
    const finished = new Map(afterKill.filter((r) => r.status === 'done').map((r) => [r.id, r.finished_at]));

    const resumed = spawnSync(
      process.execPath,
      [BIN, '--workspace', root, 'eval', 'exp-01', '--solver', 'oracle', '--subset', '10', '--concurrency', '2'],
      { encoding: 'utf8', timeout: 600_000 },
    );
    expect(resumed.status, resumed.stderr).toBe(0);
    const runs = await rows();
    // Exactly one finished row per (experiment, task, repeat); runs finished before were not touched again.
    expect(runs.map((r) => [r.status, r.outcome])).toEqual(Array(10).fill(['done', 'resolved']));
    expect(new Set(runs.map((r) => `${r.task_id}#${r.repeat}`)).size).toBe(10);
    for (const [id, at] of finished) expect(runs.find((r) => r.id === id)?.finished_at).toBe(at);
    expect(await leftoverContainers()).toBe('');
  }, 600_000);
});
