import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { describeDocker } from '../test/docker.js';
import { openWorkspace } from './workspace.js';

// Ctrl-C on a generation, as a user presses it: the real binary, Docker, the built-in suite. The command must stop
// within seconds, leave no container of its own and no row `running`, and the next call must resume.
const BIN = resolve(import.meta.dirname, '..', 'cli', 'bin.mjs');

const containersOf = (root: string) =>
  spawnSync('docker', ['ps', '-aq', '--filter', `label=evolve.workspace=${root}`], { encoding: 'utf8' })
    .stdout.trim()
    .split('\n')
    .filter(Boolean);

describeDocker('interrupting next-generation', () => {
  it('SIGINT stops new runs, removes this process’s containers, puts in-flight runs back to pending and exits 130', async () => {
    const root = join(mkdtempSync(join(tmpdir(), 'evolve-sigint-')), 'lab');
    expect(spawnSync(process.execPath, [BIN, 'init', root]).status).toBe(0);
    const args = [
      BIN,
      '--workspace',
      root,
      'next-generation',
      '--children',
      '1',
      '--subset',
      '2',
      '--concurrency',
      '2',
    ];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    // Wait until this generation has containers up, then press Ctrl-C.
    for (let i = 0; i < 600 && containersOf(root).length === 0; i++) await new Promise((r) => setTimeout(r, 250));
    expect(containersOf(root).length, err).toBeGreaterThan(0);
    const t0 = Date.now();
    child.kill('SIGINT');
    const code = await exited;
    const seconds = (Date.now() - t0) / 1000;
    expect(code, err).toBe(130);
    expect(seconds).toBeLessThan(20);
    expect(err).toMatch(/Interrupted: no new runs start/);
    expect(err).toMatch(/generation 1 interrupted; in-flight runs were put back to pending/);
    expect(err).toMatch(/Run the same command again to resume this generation/);
    // No container of this workspace is left (the engine may take a moment to finish removing one).
    for (let i = 0; i < 20 && containersOf(root).length > 0; i++) await new Promise((r) => setTimeout(r, 250));
    expect(containersOf(root)).toEqual([]);
    const ws = await openWorkspace(root);
    try {
      const runs = await ws.db.selectFrom('runs').select('status').execute();
      expect(runs.filter((r) => r.status === 'running')).toEqual([]);
      const gen = await ws.db.selectFrom('generations').select('status').executeTakeFirstOrThrow();
      expect(gen.status).toBe('running');
    } finally {
      await ws.close();
    }
  }, 300_000);
});
