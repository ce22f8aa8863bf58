import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { fromDockerError, SandboxError } from '../sandbox/errors.js';
import { followBuild, type BuildProgress } from './progress.js';

// The base every recipe starts from. A local image wins; else pull Debian; else (no registry reachable, as on
// these machines) bootstrap Debian with debootstrap and import it. The last step needs root.

export const BASE_IMAGE = 'evolve/base:bookworm';
const PULL_IMAGE = 'debian:bookworm-slim';
const PULL_TIMEOUT_MS = 90_000;

export interface BaseImageOptions {
  docker?: Docker;
  onProgress?: BuildProgress;
  /** Skip the registry and bootstrap straight away. */
  noPull?: boolean;
  mirror?: string;
  /** Tag to produce instead of BASE_IMAGE (lets a check bootstrap without touching the real base). */
  tag?: string;
}

const inFlight = new Map<string, Promise<string>>();

export function ensureBaseImage(options: BaseImageOptions = {}): Promise<string> {
  const tag = options.tag ?? BASE_IMAGE;
  const running = inFlight.get(tag);
  if (running) return running;
  const work = ensureBase(options, tag).finally(() => inFlight.delete(tag));
  inFlight.set(tag, work);
  return work;
}

function splitTag(tag: string): { repo: string; tag: string } {
  const at = tag.lastIndexOf(':');
  return at > tag.lastIndexOf('/') ? { repo: tag.slice(0, at), tag: tag.slice(at + 1) } : { repo: tag, tag: 'latest' };
}

export async function imageExists(docker: Docker, tag: string): Promise<boolean> {
  try {
    await docker.getImage(tag).inspect();
    return true;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return false;
    throw fromDockerError(error, `looking up image ${tag}`);
  }
}

async function ensureBase(options: BaseImageOptions, tag: string): Promise<string> {
  const docker = options.docker ?? new Docker();
  const say = options.onProgress ?? (() => undefined);
  if (await imageExists(docker, tag)) return tag;
  if (!options.noPull) {
    say(`${tag} is not here; pulling ${PULL_IMAGE}`);
    try {
      await pullImage(docker, PULL_IMAGE);
      await docker.getImage(PULL_IMAGE).tag(splitTag(tag));
      return tag;
    } catch (error) {
      say(
        `pull failed (${(error as Error).message.split('\n')[0]}); no registry reachable, bootstrapping Debian locally`,
      );
    }
  }
  await bootstrap(
    docker,
    tag,
    options.mirror ?? process.env.EVOLVE_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian',
    say,
  );
  return tag;
}

/** Pulls `image`, giving up after PULL_TIMEOUT_MS. */
export async function pullImage(docker: Docker, image: string): Promise<void> {
  const stream = await docker.pull(image);
  const timer = setTimeout(
    () => (stream as { destroy?: (e: Error) => void }).destroy?.(new Error('pull timed out')),
    PULL_TIMEOUT_MS,
  );
  try {
    await followBuild(docker, stream, `pulling ${image}`);
  } finally {
    clearTimeout(timer);
  }
}

const manualSteps = [
  'As root on Debian/Ubuntu:',
  '  apt-get install -y debootstrap',
  '  debootstrap --variant=minbase bookworm /tmp/bookworm http://deb.debian.org/debian',
  `  tar -C /tmp/bookworm -c . | docker import - ${BASE_IMAGE}`,
  'Elsewhere: install debootstrap from your distribution (dnf, pacman, zypper and brew carry it) and run the last two lines,',
  `  or on a machine with a registry: docker pull ${PULL_IMAGE} && docker save ${PULL_IMAGE} | gzip > base.tgz, then here:`,
  `  docker load < base.tgz && docker tag ${PULL_IMAGE} ${BASE_IMAGE}`,
  `With a registry here: docker pull ${PULL_IMAGE} && docker tag ${PULL_IMAGE} ${BASE_IMAGE}`,
].join('\n');

async function bootstrap(docker: Docker, tag: string, mirror: string, say: BuildProgress): Promise<void> {
  if (process.getuid?.() !== 0) {
    throw new SandboxError(
      'image_missing',
      `${tag} is missing, no registry is reachable, and bootstrapping Debian needs root`,
      manualSteps,
    );
  }
  const dir = await mkdtemp(join(tmpdir(), 'evolve-bookworm-'));
  try {
    if (spawnSync('sh', ['-c', 'command -v debootstrap'], { stdio: 'ignore' }).status !== 0) {
      if (!existsSync('/etc/debian_version'))
        throw new SandboxError(
          'image_missing',
          `${tag} is missing, no registry is reachable, and debootstrap is not installed (not a Debian-like system, so evolve cannot apt-get it)`,
          manualSteps,
        );
      say('installing debootstrap with apt-get');
      await run('apt-get', ['install', '-y', 'debootstrap'], say, { DEBIAN_FRONTEND: 'noninteractive' });
    }
    say(`bootstrapping Debian bookworm into ${dir} from ${mirror} (about 30 s)`);
    await run('debootstrap', ['--variant=minbase', 'bookworm', dir, mirror], say);
    say(`importing it as ${tag}`);
    const tar = spawn('tar', ['-C', dir, '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const stream = await docker.importImage(tar.stdout, splitTag(tag));
    await followBuild(docker, stream, `importing ${tag}`);
  } catch (error) {
    if (error instanceof SandboxError) throw error;
    throw new SandboxError('build_failed', `bootstrapping ${tag} failed: ${(error as Error).message}`, manualSteps);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function run(cmd: string, args: string[], say: BuildProgress, env: Record<string, string> = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    const tail: string[] = [];
    const onData = (b: Buffer) => {
      for (const line of b.toString().split('\n').filter(Boolean)) {
        tail.push(line);
        if (tail.length > 20) tail.shift();
        say(line);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${cmd} exited ${code}:\n${tail.join('\n')}`)),
    );
  });
}
