import { spawn, spawnSync } from 'node:child_process';
import { existsSync, openSync, readFileSync } from 'node:fs';
import Docker from 'dockerode';

// Making the Docker engine available on a Debian-like machine as root: install docker.io, start dockerd, wait.

export const DOCKERD_LOG = '/var/log/evolve-dockerd.log';

export interface EngineInfo {
  version: string;
  apiVersion: string;
}

/** The engine's version, or the error that says why it cannot be reached (within timeoutMs). */
export async function probeEngine(docker: Docker, timeoutMs = 10_000): Promise<EngineInfo> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
  });
  try {
    const v = await Promise.race([docker.version(), timeout]);
    return { version: v.Version, apiVersion: v.ApiVersion };
  } finally {
    clearTimeout(timer);
  }
}

export function canFixHere(): { ok: boolean; why?: string } {
  if (process.platform !== 'linux') return { ok: false, why: `this is ${process.platform}, not Linux` };
  if (process.getuid?.() !== 0) return { ok: false, why: 'not running as root' };
  if (!existsSync('/etc/debian_version'))
    return { ok: false, why: 'not a Debian-like system (no /etc/debian_version)' };
  return { ok: true };
}

export function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

export const manualEngineSteps = [
  'Debian/Ubuntu, as root:  apt-get update && apt-get install -y docker.io && (dockerd > /var/log/dockerd.log 2>&1 &)',
  'systemd machines:        sudo systemctl enable --now docker   (and add yourself: sudo usermod -aG docker $USER)',
  'macOS/Windows:           install and start Docker Desktop',
  'without Docker:          pass --sandbox local (isolates nothing)',
].join('\n');

/** apt-get install, with one `apt-get update` retry when the package lists are stale or missing. */
export function aptInstall(packages: string[], say: (line: string) => void): boolean {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...packages], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env,
    }).status === 0;
  say(`apt-get install -y ${packages.join(' ')}`);
  if (install()) return true;
  say('apt-get update');
  spawnSync('apt-get', ['update'], { stdio: ['ignore', 'pipe', 'pipe'], env });
  return install();
}

/** A dockerd already running here (its pid file names a live process): starting a second one would clash. */
export function runningDockerdPid(pidFile = '/var/run/docker.pid'): number | undefined {
  try {
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

/** Starts dockerd in the background (logging to DOCKERD_LOG) and waits until it answers. */
export async function startDockerd(docker: Docker, say: (line: string) => void, waitMs = 60_000): Promise<EngineInfo> {
  const running = runningDockerdPid();
  if (running)
    throw new Error(
      `dockerd is already running (pid ${running}) but does not answer here; check DOCKER_HOST and the socket's permissions`,
    );
  say(`starting dockerd in the background (log: ${DOCKERD_LOG})`);
  const log = openSync(DOCKERD_LOG, 'a');
  const child = spawn('dockerd', [], { detached: true, stdio: ['ignore', log, log] });
  child.unref();
  const deadline = Date.now() + waitMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      return await probeEngine(docker, 2_000);
    } catch (error) {
      last = error;
      if (child.exitCode !== null) throw new Error(`dockerd exited with code ${child.exitCode}; see ${DOCKERD_LOG}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  throw new Error(`dockerd did not answer within ${waitMs / 1000} s (${(last as Error)?.message}); see ${DOCKERD_LOG}`);
}
