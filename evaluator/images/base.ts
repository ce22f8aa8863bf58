import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { SandboxError } from '../sandbox/errors.js';
import type { ImageRecipe } from '../sandbox/types.js';
import { imageExists } from './cache.js';

// The Debian base every evolve image builds on. Used if present; else pulled; else, with no registry reachable,
// bootstrapped locally from Debian's packages (debootstrap) and imported.

export const BASE_IMAGE = 'evolve/base:bookworm';
const PULL_FROM = 'debian:bookworm-slim';

export type BaseSource = 'present' | 'pulled' | 'bootstrapped';

export async function ensureBaseImage(docker: Docker, log: (line: string) => void = () => {}): Promise<BaseSource> {
  if (await imageExists(docker, BASE_IMAGE)) return 'present';
  try {
    log(`pulling ${PULL_FROM} ...`);
    await new Promise<void>((resolve, reject) => {
      docker.pull(PULL_FROM, (err: Error | null, stream: NodeJS.ReadableStream) => (err ? reject(err) : docker.modem.followProgress(stream, (e) => (e ? reject(e) : resolve()))));
    });
    await docker.getImage(PULL_FROM).tag({ repo: 'evolve/base', tag: 'bookworm' });
    return 'pulled';
  } catch (error) {
    log(`no image registry reachable (${String((error as Error).message).split('\n')[0]}); bootstrapping a Debian base locally with debootstrap (about a minute) ...`);
  }
  await bootstrapBase(docker, log);
  return 'bootstrapped';
}

async function bootstrapBase(docker: Docker, log: (line: string) => void): Promise<void> {
  if (spawnSync('debootstrap', ['--version']).error) {
    throw new SandboxError('image_missing', `${BASE_IMAGE} is missing, no registry is reachable, and debootstrap is not installed`, 'Run `apt-get install -y debootstrap` as root (or `evolve doctor --fix`), then try again.');
  }
  const dir = mkdtempSync(join(tmpdir(), 'evolve-debootstrap-'));
  try {
    const boot = spawnSync('debootstrap', ['--variant=minbase', 'bookworm', dir], { encoding: 'utf8' });
    if (boot.status !== 0) throw new SandboxError('build_failed', `debootstrap failed: ${(boot.stderr || boot.stdout).trim().split('\n').slice(-5).join('\n')}`, 'Check that Debian packages are reachable (apt-get update) and that you are root.');
    log(`importing ${BASE_IMAGE} ...`);
    const tar = spawn('tar', ['-C', dir, '-cf', '-', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const stream = await docker.importImage(tar.stdout, { repo: 'evolve/base', tag: 'bookworm' });
    await new Promise<void>((resolve, reject) => docker.modem.followProgress(stream, (e) => (e ? reject(e) : resolve())));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The Python environment SWE-bench-style and Terminal-Bench tasks run in: python3, pytest, git, a non-root user. */
export function pythonEnvRecipe(): ImageRecipe {
  return {
    name: 'python-env',
    dockerfile: [
      `FROM ${BASE_IMAGE}`,
      'RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 python3-pytest git ca-certificates procps && rm -rf /var/lib/apt/lists/*',
      'RUN useradd -m -u 1000 agent && git config --system user.name evolve && git config --system user.email evolve@localhost && git config --system safe.directory "*" && git config --system init.defaultBranch main',
    ].join('\n'),
  };
}
