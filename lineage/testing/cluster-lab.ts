import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCli } from '../../cli/testing/run-cli.js';

// Cluster tests' set-up: a lab whose lineage database and queue are one fresh Postgres database, and scripted worker
// processes (lineage/testing/scripted-worker.ts) in their own process groups.

const WORKER = resolve(import.meta.dirname, 'scripted-worker.ts');
const REPO = resolve(import.meta.dirname, '..', '..');

export interface ClusterLab {
  base: string;
  lab: string;
}

/** A lab at BASE/lab on the Postgres database `url`, its queue there too, with exp-01 on the built-in suite. */
export async function clusterLab(url: string, cluster: Record<string, unknown> = {}): Promise<ClusterLab> {
  const base = mkdtempSync(join(tmpdir(), 'evolve-cluster-'));
  const lab = join(base, 'lab');
  mkdirSync(lab);
  writeFileSync(
    join(lab, 'evolve.json'),
    JSON.stringify({
      version: 1,
      databaseUrl: url,
      defaults: { sandbox: 'local' },
      cluster: { storage: join(base, 'shared'), leaseSeconds: 2, maintenanceSeconds: 1, pollMs: 100, ...cluster },
    }),
  );
  const init = await runCli(['init', lab], base);
  if (init.code !== 0) throw new Error(`evolve init: ${init.err}`);
  return { base, lab };
}

export interface ScriptedWorkerOptions {
  concurrency: number;
  runMs: number;
  leaseSeconds: number;
  /** Each finished run appends "runId pid" here. */
  log?: string;
  labels?: string[];
  /** How long a cancelled run takes to wind down. */
  teardownMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** Starts a scripted worker process (its own process group) and resolves once it serves. */
export function startScriptedWorker(url: string, o: ScriptedWorkerOptions): Promise<ChildProcess> {
  const args = [url, o.concurrency, o.runMs, o.leaseSeconds, o.log ?? '', o.labels?.join(',') ?? '', o.teardownMs ?? 0];
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, ...args.map(String)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: REPO, // not the process's: an in-process `evolve` command may have moved it into a lab
    env: { ...process.env, ...o.env },
    detached: true,
  });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((ready, fail) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && ready(child));
    child.on('exit', (code) => fail(new Error(`worker exited ${code}: ${err}`)));
  });
}

/** Stops a worker process group still alive (SIGTERM: its runs go back to pending). */
export function stopWorker(child: ChildProcess): void {
  if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGTERM');
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const got = await probe();
    if (got !== undefined) return got;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
