import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { constants, tmpdir } from 'node:os';
import { dirname, isAbsolute, join, posix, resolve } from 'node:path';
import { diffScript } from './diff-script.js';
import { EXEC_MARKER } from './docker-exec.js';
import { SandboxError } from './errors.js';
import { CappedOutput, DEFAULT_OUTPUT_CAP } from './output.js';
import type { ExecOptions, ExecResult, Sandbox, SandboxProvider, SandboxSpec } from './types.js';

// Local provider: a temporary directory and child processes on this machine, for when Docker is not available.
// Same semantics as the Docker provider (timeouts kill the whole tree, capped output, diff), but it ISOLATES
// NOTHING: commands run as you, with your network and files. Opt-in only.

export const LOCAL_SANDBOX_WARNING =
  'warning: the local sandbox isolates nothing: agent commands run as your user, on your files and network. Use it only for trusted tasks, or install Docker (`evolve doctor --fix`).';
const STREAM_GRACE_MS = 5_000;
/** After the command exits, how long its output may stay open (held by a background child) before we return. */
const IO_GRACE_MS = 2_000;
const DIFF_CAP = 64 << 20;

export interface LocalProviderOptions {
  /** Where the warning goes; defaults to stderr, once per provider. */
  warn?: (message: string) => void;
}

export class LocalProvider implements SandboxProvider {
  readonly name = 'local' as const;
  readonly warning = LOCAL_SANDBOX_WARNING;
  private warned = false;

  constructor(private readonly options: LocalProviderOptions = {}) {}

  async create(spec: SandboxSpec): Promise<LocalSandbox> {
    if (!this.warned) {
      this.warned = true;
      (this.options.warn ?? ((m) => process.stderr.write(`${m}\n`)))(LOCAL_SANDBOX_WARNING);
    }
    const root = await mkdtemp(join(tmpdir(), 'evolve-local-'));
    const workdir = join(root, spec.workdir);
    await mkdir(workdir, { recursive: true });
    return new LocalSandbox(root, workdir, spec.workdir);
  }
}

export class LocalSandbox implements Sandbox {
  readonly id: string;
  /** Markers of every command run, so dispose can kill what they left running in the background. */
  private readonly markers = new Set<string>();

  constructor(
    readonly root: string,
    /** The real host path of the workdir (sandbox paths under `declaredWorkdir` are mapped into it). */
    readonly workdir: string,
    readonly declaredWorkdir: string,
  ) {
    this.id = `local-${root.slice(-6)}`;
  }

  /** A sandbox path on the host: the declared workdir (e.g. /testbed) maps into the temp dir. */
  path(p: string): string {
    if (!isAbsolute(p)) return resolve(this.workdir, p);
    const rel = posix.relative(this.declaredWorkdir, p);
    return rel === '' || (!rel.startsWith('..') && !posix.isAbsolute(rel)) ? join(this.workdir, rel) : p;
  }

  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const started = Date.now();
    const marker = randomBytes(8).toString('hex');
    this.markers.add(marker);
    const output = new CappedOutput(options.outputCapBytes ?? DEFAULT_OUTPUT_CAP);
    // A minimal environment: the host's keys and tokens must not reach the agent's commands.
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: this.root,
      LANG: 'C.UTF-8',
      ...options.env,
      [EXEC_MARKER]: marker,
    };
    const child = spawn('bash', ['-c', command], {
      cwd: options.cwd ? this.path(options.cwd) : this.workdir,
      env,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (c: Buffer) => output.push(c));
    child.stderr.on('data', (c: Buffer) => output.push(c));
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.stdin ?? '');
    return new Promise((resolveResult, reject) => {
      let timedOut = false;
      let timer: NodeJS.Timeout | undefined;
      let done = false;
      const finish = (code: number | null, signal: NodeJS.Signals | null) => {
        if (done) return;
        done = true;
        if (timer) clearTimeout(timer);
        const exitCode = timedOut ? 124 : (code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : -1));
        resolveResult({
          exitCode,
          output: output.text(),
          timedOut,
          truncated: output.truncated,
          durationMs: Date.now() - started,
        });
      };
      child.on('error', (e) =>
        reject(
          new SandboxError(
            'io',
            `cannot start bash for the local sandbox: ${e.message}`,
            'Install bash, or use the Docker sandbox.',
          ),
        ),
      );
      child.on('close', finish);
      // Like Docker's exec: a background process still holding the output does not keep the command open forever.
      child.on('exit', (code, signal) => setTimeout(() => finish(code, signal), IO_GRACE_MS).unref());
      if (options.timeoutMs !== undefined) {
        timer = setTimeout(() => {
          timedOut = true;
          void killTree(child.pid, marker).then(() =>
            setTimeout(() => finish(null, 'SIGKILL'), STREAM_GRACE_MS).unref(),
          );
        }, options.timeoutMs);
      }
    });
  }

  async writeFile(path: string, content: string | Uint8Array): Promise<void> {
    const abs = this.path(path);
    await mkdir(dirname(abs), { recursive: true });
    await writeFile(abs, content);
  }

  async readFile(path: string): Promise<string> {
    return readFile(this.path(path), 'utf8');
  }

  async copyIn(hostDir: string, sandboxDir: string): Promise<void> {
    await cp(hostDir, this.path(sandboxDir), { recursive: true, verbatimSymlinks: true });
  }

  async copyOut(sandboxDir: string, hostDir: string): Promise<void> {
    await cp(this.path(sandboxDir), hostDir, { recursive: true, verbatimSymlinks: true });
  }

  async diff(): Promise<string> {
    const r = await this.exec(diffScript(this.workdir), { outputCapBytes: DIFF_CAP });
    if (r.exitCode !== 0)
      throw new SandboxError(
        'io',
        `computing the workspace diff failed (exit ${r.exitCode}): ${r.output.slice(-2000)}`,
        'The workdir must be a git repository with a commit.',
      );
    if (r.truncated) throw new SandboxError('io', `the workspace diff is larger than ${DIFF_CAP >> 20} MiB`);
    return r.output;
  }

  async dispose(): Promise<void> {
    await killMarked(this.markers);
    await rm(this.root, { recursive: true, force: true });
  }
}

/** Kills the process group, then every process still carrying the marker (those that called setsid). */
async function killTree(pid: number | undefined, marker: string): Promise<void> {
  if (pid) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await killMarked([marker]);
}

/**
 * SIGKILLs every process carrying one of the markers, repeating while any are found. One pass over /proc for all
 * of them: a sandbox that ran thirty commands would otherwise read every process's environment thirty times.
 */
async function killMarked(markers: Iterable<string>): Promise<void> {
  const needles = new Set([...markers].map((m) => `${EXEC_MARKER}=${m}`));
  if (needles.size === 0) return;
  for (let round = 0; round < 10; round++) {
    let found = 0;
    const pids = await readdir('/proc').catch(() => [] as string[]);
    for (const p of pids.filter((n) => /^\d+$/.test(n))) {
      const environ = await readFile(`/proc/${p}/environ`).catch(() => undefined);
      if (
        !environ ||
        !environ
          .toString('latin1')
          .split('\0')
          .some((v) => needles.has(v))
      )
        continue;
      found++;
      try {
        process.kill(Number(p), 'SIGKILL');
      } catch {
        // raced with its exit
      }
    }
    if (found === 0) return;
  }
}
