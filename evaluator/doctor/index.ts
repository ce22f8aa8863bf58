import Docker from 'dockerode';
import { MODEL_PROVIDERS } from '../../agent/models/providers/index.js';
import { BASE_IMAGE, ensureBaseImage, imageExists } from '../images/base.js';
import { reapLeftovers } from '../sandbox/reaper.js';
import { aptInstall, canFixHere, hasCommand, manualEngineSteps, probeEngine, startDockerd } from './engine.js';

// `evolve doctor`: is this machine ready to evaluate? Each check says what is wrong and how to fix it; with
// fix, it repairs what it can (Debian-like, as root): install and start Docker, build the base image, reap leftovers.

export interface DoctorCheck {
  name: string;
  ok: boolean;
  detail: string;
  /** How to fix a failing check (exact commands where possible). */
  fix?: string;
  /** What --fix did for this check. */
  fixed?: string;
}

export interface DoctorReport {
  ok: boolean;
  checks: DoctorCheck[];
}

export interface DoctorOptions {
  fix?: boolean;
  docker?: Docker;
  env?: NodeJS.ProcessEnv;
  onProgress?: (line: string) => void;
  /** Whether --fix may install and start Docker here (default: Linux, root, Debian-like); tests stand in other machines. */
  canFix?: () => { ok: boolean; why?: string };
  /** Checks the caller adds (the CLI adds the workspace database). */
  extraChecks?: Array<() => Promise<DoctorCheck>>;
}

/** Every model provider's key variable. */
export const MODEL_KEYS = MODEL_PROVIDERS.flatMap((p) => (p.keyVariable ? [p.keyVariable] : []));
const MIN_NODE = [20, 19];

export async function runDoctor(options: DoctorOptions = {}): Promise<DoctorReport> {
  const docker = options.docker ?? new Docker();
  const say = options.onProgress ?? (() => undefined);
  const checks: DoctorCheck[] = [checkNode()];
  for (const extra of options.extraChecks ?? []) checks.push(await extra());
  const engine = await checkEngine(docker, options.fix === true, say, options.canFix ?? canFixHere);
  checks.push(engine);
  if (engine.ok) {
    checks.push(await checkBaseImage(docker, options.fix === true, say));
    checks.push(await checkLeftovers(docker, options.fix === true));
  } else {
    checks.push({
      name: 'base image',
      ok: false,
      detail: `${BASE_IMAGE}: cannot tell, the Docker engine is not reachable`,
      fix: 'Fix the Docker engine first.',
    });
  }
  checks.push(...checkModelKeys(options.env ?? process.env));
  return { ok: checks.every((c) => c.ok), checks };
}

function checkNode(): DoctorCheck {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  const ok = major > MIN_NODE[0]! || (major === MIN_NODE[0] && minor >= MIN_NODE[1]!);
  return {
    name: 'node',
    ok,
    detail: `Node ${process.versions.node}${ok ? '' : `, older than ${MIN_NODE.join('.')}`}`,
    ...(ok ? {} : { fix: 'Install Node 20.19 or newer (https://nodejs.org, or your package manager / nvm).' }),
  };
}

async function checkEngine(
  docker: Docker,
  fix: boolean,
  say: (line: string) => void,
  canFix: () => { ok: boolean; why?: string },
): Promise<DoctorCheck> {
  const name = 'docker engine';
  try {
    const v = await probeEngine(docker);
    return { name, ok: true, detail: `Docker ${v.version} (API ${v.apiVersion})` };
  } catch (error) {
    const problem = `not reachable: ${(error as Error).message}`;
    if (!fix)
      return {
        name,
        ok: false,
        detail: problem,
        fix: `Run \`evolve doctor --fix\` as root on Debian/Ubuntu, or:\n${manualEngineSteps}`,
      };
    const here = canFix();
    if (!here.ok)
      return {
        name,
        ok: false,
        detail: `${problem}; --fix cannot repair it here (${here.why})`,
        fix: manualEngineSteps,
      };
    const done: string[] = [];
    try {
      if (!hasCommand('dockerd')) {
        if (!aptInstall(['docker.io'], say)) throw new Error('apt-get install -y docker.io failed');
        done.push('installed docker.io');
      }
      const v = await startDockerd(docker, say);
      done.push('started dockerd');
      return { name, ok: true, detail: `Docker ${v.version} (API ${v.apiVersion})`, fixed: done.join(', ') };
    } catch (e) {
      return {
        name,
        ok: false,
        detail: `${problem}; --fix failed: ${(e as Error).message}`,
        fix: manualEngineSteps,
        ...(done.length ? { fixed: done.join(', ') } : {}),
      };
    }
  }
}

async function checkBaseImage(docker: Docker, fix: boolean, say: (line: string) => void): Promise<DoctorCheck> {
  const name = 'base image';
  if (await imageExists(docker, BASE_IMAGE)) return { name, ok: true, detail: `${BASE_IMAGE} present` };
  if (!fix)
    return {
      name,
      ok: false,
      detail: `${BASE_IMAGE} is missing`,
      fix: 'Run `evolve doctor --fix` (pulls debian:bookworm-slim, or bootstraps it with debootstrap when no registry is reachable), or `evolve images build`.',
    };
  try {
    await ensureBaseImage({ docker, onProgress: say });
    return { name, ok: true, detail: `${BASE_IMAGE} present`, fixed: `built ${BASE_IMAGE}` };
  } catch (error) {
    const e = error as Error & { hint?: string };
    return {
      name,
      ok: false,
      detail: `${BASE_IMAGE} is missing; building it failed: ${e.message}`,
      fix: e.hint ?? 'See the message above.',
    };
  }
}

async function checkLeftovers(docker: Docker, fix: boolean): Promise<DoctorCheck> {
  const name = 'leftovers';
  if (!fix) return { name, ok: true, detail: 'not checked (run with --fix to remove containers left by crashed runs)' };
  try {
    const r = await reapLeftovers({ docker });
    return {
      name,
      ok: true,
      detail: 'no containers or volumes left by crashed runs',
      ...(r.containers.length + r.volumes.length + r.images.length
        ? {
            fixed: `removed ${r.containers.length} containers, ${r.volumes.length} volumes and ${r.images.length} sandbox snapshots`,
          }
        : {}),
    };
  } catch (error) {
    return {
      name,
      ok: false,
      detail: `reaping failed: ${(error as Error).message}`,
      fix: 'Remove them by hand: docker rm -f $(docker ps -aq --filter label=evolve.sandbox)',
    };
  }
}

/** Set or not set, never the value. No key is not a failure: the offline model needs none. */
function checkModelKeys(env: NodeJS.ProcessEnv): DoctorCheck[] {
  return MODEL_KEYS.map((key) => ({
    name: key,
    ok: true,
    detail: env[key] ? 'set' : 'not set (models of this provider are unavailable; the offline model needs no key)',
  }));
}
