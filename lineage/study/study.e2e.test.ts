import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { hostPythonPath } from '../../agent/testing/host-python.js';
import { openWorkspace } from '../workspace.js';

// A small study as a user runs it: the real binary, the offline model on built-in tasks (local sandbox, 3 train
// tasks), random vs systematic proposers, 2 replicates each, 2 generations; killed with SIGKILL in the middle of a
// replicate (the second of four, so replicates not yet started follow the resume) and resumed, with no run lost or
// repeated; then its report.
const BIN = resolve(import.meta.dirname, '..', '..', 'cli', 'bin.mjs');
const BUILTIN = resolve(import.meta.dirname, '..', '..', 'tasks', 'suites', 'builtin');
// The workspace's own suite of five built-in tasks, as a user names a suite in evolve.json: the root's held-out pass
// (once per study) is two runs instead of the whole built-in held-out split, and the train tasks are quick ones for
// the offline model. What is checked (kill, resume, runs, report) does not depend on which tasks run.
const TRAIN = ['tb/backup-script-2', 'swe/cachet__cachet-2', 'swe/tabular__tabular-5'];
const HELDOUT = ['tb/normalize-source-2', 'swe/tabular__tabular-10'];
function writeSuite(dir: string) {
  for (const t of [...TRAIN, ...HELDOUT]) cpSync(join(BUILTIN, t), join(dir, t), { recursive: true });
  const heldout = HELDOUT.map((t) => t.split('/')[1]);
  writeFileSync(join(dir, 'suite.json'), JSON.stringify({ name: 'five', split: { heldout } }));
}
// The local sandbox runs the agent's commands with the binary's PATH: python3 is the host's interpreter itself, not a
// version manager's shim that costs seconds a call (agent/testing/host-python.ts).
const env = { ...process.env, PATH: hostPythonPath() };
const evolve = (args: string[], timeout = 1_200_000) =>
  spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout, env });

it('a study of the offline model survives SIGKILL and resumes with no run lost or repeated', async () => {
  const root = join(mkdtempSync(join(tmpdir(), 'evolve-study-e2e-')), 'lab');
  expect(evolve(['init', root]).status).toBe(0);
  // One held-out repeat: the offline model is deterministic per seed, and the root's held-out pass runs once.
  writeSuite(join(root, 'five'));
  const config = { version: 1, suites: { five: 'five' }, defaults: { suite: 'five' }, lineage: { heldoutRepeats: 1 } };
  writeFileSync(join(root, 'evolve.json'), JSON.stringify(config));
  const create = evolve([
    '--workspace',
    root,
    'study',
    'create',
    'offline',
    '--condition',
    'random: proposer=random',
    '--condition',
    'systematic: proposer=systematic',
    '--replicates',
    '2',
    '--generations',
    '2',
    '--subset',
    '3',
    '--children',
    '1',
    '--evidence-rounds',
    '0',
    '--sandbox',
    'local',
    '--concurrency',
    '2',
  ]);
  expect(create.status, create.stderr).toBe(0);

  // Kill the study once a run of the second replicate has finished.
  const first = spawn(process.execPath, [BIN, '--workspace', root, 'study', 'run', 'offline'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  let err = '';
  await new Promise<void>((done) => {
    first.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      const second = err.indexOf('[systematic/r1] generation 1');
      if (second >= 0 && /\[exp-01-a\] \S+#0 (resolved|unresolved)/.test(err.slice(second)) && !first.killed) {
        first.kill('SIGKILL');
        done();
      }
    });
    first.on('exit', () => done());
  });
  if (first.exitCode === null && first.signalCode === null) await new Promise((done) => first.on('exit', done));
  expect(first.signalCode).toBe('SIGKILL');

  const again = evolve(['--workspace', root, 'study', 'run', 'offline']);
  expect(again.status, again.stderr).toBe(0);
  expect(again.stdout).toMatch(/systematic +r2 +2001 +done +2\/2/);

  // Every replicate: two generations done, every run finished once (one row per key, none pending), and no run
  // reported finished more times than the workspaces hold rows (a run killed in flight never reported).
  const finished = `${err}\n${again.stderr}`
    .split('\n')
    .filter((l) => /^\[exp-[\w-]+\] \S+#\d+ (resolved|unresolved)/.test(l));
  let rows = 0;
  const status = JSON.parse(evolve(['--workspace', root, 'study', 'status', 'offline', '--json']).stdout) as {
    replicates: Array<{ path: string; generations: number; status: string }>;
  };
  expect(status.replicates).toHaveLength(4);
  for (const r of status.replicates) {
    expect([r.status, r.generations]).toEqual(['done', 2]);
    const ws = await openWorkspace(join(root, r.path));
    try {
      const runs = await ws.db.selectFrom('runs').select(['experiment_id', 'task_id', 'repeat', 'status']).execute();
      expect(runs.filter((x) => x.status !== 'done' && x.status !== 'error')).toEqual([]);
      const keys = runs.map((x) => `${x.experiment_id}/${x.task_id}#${x.repeat}`);
      expect(new Set(keys).size).toBe(keys.length);
      rows += runs.filter((x) => x.experiment_id !== 'exp-01').length;
    } finally {
      await ws.close();
    }
  }
  const rootRuns = finished.filter((l) => l.startsWith('[exp-01] ')).length;
  expect(finished.length - rootRuns).toBeLessThanOrEqual(rows);
  expect(rows).toBeGreaterThanOrEqual(4 * 2 * 3);

  const report = evolve(['--workspace', root, 'report', 'offline', '--out', join(root, 'report.html')]);
  expect(report.status, report.stderr).toBe(0);
  expect(report.stdout).toMatch(/wrote .*report\.html \(4 replicates\)/);
}, 1_800_000);
