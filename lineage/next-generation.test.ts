import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { describeDocker } from '../test/docker.js';
import { openDatabase } from './db/open.js';
import { createPostgresDatabase, dropPostgresDatabase, postgresTestUrl } from './db/testing/postgres.js';
import { databaseTarget, loadConfig, workspacePaths } from './workspace.js';

// The main job, as a user runs it: the real binary, the offline model, Docker, built-in tasks; the lineage
// database in the workspace's SQLite file, and again on Postgres (EVOLVE_DATABASE_URL, as a user exports it).
const BIN = resolve(import.meta.dirname, '..', 'cli', 'bin.mjs');
// The workspace's own suite of three built-in tasks, named in evolve.json as a user names a suite: two train tasks the
// offline model ends quickly in Docker (the accounts tasks `--subset 2` drew from the whole built-in suite took it
// about a minute a run, at its full step budget) and one held-out. What is checked (ids, folders, statuses, the kill
// and the resume, one run per key, no container left) does not depend on which tasks run.
const BUILTIN = resolve(import.meta.dirname, '..', 'tasks', 'suites', 'builtin');
const TRAIN = ['swe/cachet__cachet-2', 'swe/tabular__tabular-5'];
const HELDOUT = ['swe/tabular__tabular-10'];
function useQuickSuite(root: string): void {
  for (const t of [...TRAIN, ...HELDOUT]) cpSync(join(BUILTIN, t), join(root, 'quick', t), { recursive: true });
  const heldout = HELDOUT.map((t) => t.split('/')[1]);
  writeFileSync(join(root, 'quick', 'suite.json'), JSON.stringify({ name: 'quick', split: { heldout } }));
  const config = JSON.parse(readFileSync(join(root, 'evolve.json'), 'utf8'));
  const suites = { ...config.suites, quick: 'quick' };
  writeFileSync(
    join(root, 'evolve.json'),
    JSON.stringify({ ...config, suites, defaults: { ...config.defaults, suite: 'quick' } }),
  );
}

describeDocker('evolve next-generation', () => {
  it('grows generations with the expected ids, folders and statuses, and a killed generation resumes without redoing finished runs', async () => {
    await growsAndResumes({});
  }, 1_500_000);

  it.skipIf(!postgresTestUrl())(
    'the same on Postgres: generations, a killed generation resumed, decisions and runs in the database',
    async () => {
      const url = await createPostgresDatabase('next_generation');
      try {
        await growsAndResumes({ EVOLVE_DATABASE_URL: url });
      } finally {
        await dropPostgresDatabase(url);
      }
    },
    1_500_000,
  );
});

async function growsAndResumes(database: { EVOLVE_DATABASE_URL?: string }): Promise<void> {
  const { EVOLVE_DATABASE_URL: _exported, ...inherited } = process.env;
  const env = { ...inherited, ...database };
  const root = join(mkdtempSync(join(tmpdir(), 'evolve-gen-')), 'lab');
  expect(spawnSync(process.execPath, [BIN, 'init', root], { env }).status).toBe(0);
  useQuickSuite(root);
  // The lineage lives where the user said: the workspace's file, or the server (no file then).
  expect(existsSync(join(root, 'evolve.db'))).toBe(!database.EVOLVE_DATABASE_URL);
  const args = [
    BIN,
    '--workspace',
    root,
    'next-generation',
    '--children',
    '2',
    '--subset',
    '2',
    '--concurrency',
    '2',
    '--seed',
    '3',
  ];

  // Generation 1: kill it once the first child starts evaluating.
  const first = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  let err = '';
  await new Promise<void>((done) => {
    first.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('evaluating exp-01-a') && !first.killed) {
        first.kill('SIGKILL');
        done();
      }
    });
    first.on('exit', () => done());
  });
  // Let Node reap the killed process before the next step blocks the event loop (a zombie's pid still looks alive).
  if (first.exitCode === null && first.signalCode === null) await new Promise((done) => first.on('exit', done));
  expect(err).toMatch(/proposed exp-01-a[\s\S]*proposed exp-01-b/);

  const again = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 600_000, env });
  expect(again.status, again.stderr).toBe(0);
  expect(again.stderr).toMatch(/resuming generation 1 from exp-01/);
  expect(again.stderr).not.toMatch(/proposed/);
  expect(again.stdout).toMatch(/Generation 1 from exp-01/);
  expect(again.stdout).toMatch(/exp-01 +\(champion, the baseline\) +\d/);
  // Not a terminal: one plain line per finished run, so a long generation is never silent.
  expect(again.stderr).toMatch(/\[exp-01-b\] \S+#0 (resolved|unresolved)/);

  // Generation 2 proposes new changes (never one already tried from the same parent).
  const second = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 600_000, env });
  expect(second.status, second.stderr).toBe(0);
  expect(second.stdout).toMatch(/Generation 2 from exp-01/);

  const paths = workspacePaths(root);
  const ws = { db: await openDatabase(databaseTarget(paths, loadConfig(paths.config), env), { migrate: false }) };
  try {
    const exps = await ws.db
      .selectFrom('experiments')
      .select(['id', 'status', 'genome_hash', 'verdict'])
      .orderBy('id')
      .execute();
    const champion = (
      await ws.db.selectFrom('champions').select('experiment_id').orderBy('id', 'desc').executeTakeFirstOrThrow()
    ).experiment_id;
    expect(exps.map((e) => e.id)).toEqual(
      champion === 'exp-01'
        ? ['exp-01', 'exp-01-a', 'exp-01-b', 'exp-01-c', 'exp-01-d']
        : expect.arrayContaining(['exp-01', 'exp-01-a', 'exp-01-b']),
    );
    expect(new Set(exps.map((e) => e.genome_hash)).size).toBe(exps.length);
    for (const e of exps.filter((x) => x.id !== 'exp-01')) {
      expect(['evaluated', 'promoted', 'retired']).toContain(e.status);
      expect(e.verdict).not.toBeNull();
      expect(existsSync(join(root, 'experiments', e.id, 'README.md'))).toBe(true);
      expect(existsSync(join(root, 'experiments', e.id, 'genome.json'))).toBe(true);
    }
    // Exactly one finished run per (experiment, task, repeat), none left running.
    const runs = await ws.db.selectFrom('runs').select(['experiment_id', 'task_id', 'repeat', 'status']).execute();
    expect(runs.filter((r) => r.status !== 'done' && r.status !== 'error')).toEqual([]);
    expect(new Set(runs.map((r) => `${r.experiment_id}/${r.task_id}/${r.repeat}`)).size).toBe(runs.length);
    expect((await ws.db.selectFrom('generations').select('status').execute()).map((g) => g.status)).toEqual([
      'done',
      'done',
    ]);
    // A promoted child really scored higher than the champion it replaced, on the same tasks.
    for (const d of await ws.db.selectFrom('decisions').selectAll().where('action', '=', 'promote').execute()) {
      expect(JSON.parse(d.details).diff).toBeGreaterThan(0);
    }
  } finally {
    await ws.db.destroy();
  }
  // Disposed containers are killed and auto-removed by the engine, which can take a moment after the last run.
  const leftovers = () =>
    spawnSync('docker', ['ps', '-aq', '--filter', `label=evolve.workspace=${root}`], {
      encoding: 'utf8',
    }).stdout.trim();
  for (let i = 0; i < 40 && leftovers() !== ''; i++) await new Promise((r) => setTimeout(r, 500));
  expect(leftovers()).toBe('');
}
