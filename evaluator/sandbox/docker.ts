import { hostname } from 'node:os';
import { posix } from 'node:path';
import { PassThrough } from 'node:stream';
import Docker from 'dockerode';
import { ensureImage } from '../images/cache.js';
import { diffScript } from './diff-script.js';
import { fromDockerError, SandboxError } from './errors.js';
import { CappedOutput } from './output.js';
import { firstFileOf, singleFileTar, tarDirectory, untarInto } from './tar.js';
import type { ExecOptions, ExecResult, Sandbox, SandboxLimits, SandboxProvider, SandboxSpec } from './types.js';

// One fresh container per sandbox, kept alive by `sleep infinity`; commands run through `docker exec`.
// The workspace is copied in as a tar, never bind-mounted, so the agent cannot reach the host's files.

export const DEFAULT_LIMITS: SandboxLimits = { memoryMb: 2048, cpus: 1, pids: 512 };
/** Labels every evolve container carries; the reaper finds leftovers by them. */
export const LABEL = { managed: 'evolve.managed', owner: 'evolve.owner', workspace: 'evolve.workspace', run: 'evolve.run' } as const;

export function ownerTag(): string {
  return `${hostname()}:${process.pid}`;
}

export interface DockerProviderOptions {
  docker?: Docker;
  /** Workspace root, recorded on each container. */
  workspace?: string;
  limits?: Partial<SandboxLimits>;
  onBuildProgress?: (line: string) => void;
}

export class DockerProvider implements SandboxProvider {
  readonly name = 'docker' as const;
  readonly docker: Docker;

  constructor(private readonly options: DockerProviderOptions = {}) {
    this.docker = options.docker ?? new Docker();
  }

  async create(spec: SandboxSpec): Promise<Sandbox> {
    const image = typeof spec.image === 'string' ? spec.image : await ensureImage(this.docker, spec.image, this.options.onBuildProgress);
    const limits = { ...DEFAULT_LIMITS, ...this.options.limits, ...spec.limits };
    let container: Docker.Container;
    try {
      container = await this.docker.createContainer({
        Image: image,
        Cmd: ['sleep', 'infinity'],
        WorkingDir: '/',
        Labels: { [LABEL.managed]: '1', [LABEL.owner]: ownerTag(), [LABEL.workspace]: this.options.workspace ?? '', ...spec.labels },
        HostConfig: {
          Memory: limits.memoryMb * 1024 * 1024,
          MemorySwap: limits.memoryMb * 1024 * 1024,
          NanoCpus: Math.round(limits.cpus * 1e9),
          PidsLimit: limits.pids,
          NetworkMode: spec.network ? 'bridge' : 'none',
          Init: true, // reaps zombies left by killed commands
        },
      });
      await container.start();
    } catch (error) {
      throw fromDockerError(error, `starting a container from ${image}`);
    }
    const sandbox = new DockerSandbox(container, spec.workdir, 'root');
    try {
      await sandbox.exec(`mkdir -p '${spec.workdir}'`, { cwd: '/' });
      if (spec.user && (await sandbox.exec(`id -u ${spec.user}`)).exitCode === 0) {
        await sandbox.exec(`chown -R ${spec.user} '${spec.workdir}'`);
        sandbox.user = spec.user;
      }
    } catch (error) {
      await sandbox.dispose();
      throw error;
    }
    return sandbox;
  }
}

export class DockerSandbox implements Sandbox {
  readonly id: string;

  constructor(
    readonly container: Docker.Container,
    readonly workdir: string,
    public user: string,
  ) {
    this.id = container.id.slice(0, 12);
  }

  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const started = Date.now();
    const timeoutSec = options.timeoutMs ? Math.max(1, Math.ceil(options.timeoutMs / 1000)) : 0;
    if (options.stdin !== undefined) {
      await this.writeFile('/tmp/.evolve-stdin', options.stdin);
      command = `(${command}) < /tmp/.evolve-stdin`;
    }
    // GNU timeout runs the command in its own process group and kills the whole group, children included.
    const cmd = timeoutSec > 0 ? ['timeout', '-s', 'KILL', String(timeoutSec), 'bash', '-c', command] : ['bash', '-c', command];
    const oomBefore = await this.oomKilled();
    const out = new CappedOutput(options.outputCapBytes);
    let exitCode: number;
    try {
      const exec = await this.container.exec({
        Cmd: cmd,
        AttachStdout: true,
        AttachStderr: true,
        WorkingDir: options.cwd ?? this.workdir,
        User: options.user ?? this.user,
        Env: Object.entries(options.env ?? {}).map(([k, v]) => `${k}=${v}`),
      });
      const stream = await exec.start({ hijack: true, stdin: false });
      const sink = new PassThrough();
      sink.on('data', (c: Buffer) => out.push(c));
      this.container.modem.demuxStream(stream, sink, sink);
      await new Promise<void>((resolve, reject) => {
        // Backstop if the engine never closes the stream: the command's own timeout plus a grace period.
        const guard = timeoutSec > 0 ? setTimeout(() => (stream as unknown as { destroy(): void }).destroy(), (timeoutSec + 15) * 1000) : undefined;
        stream.on('end', () => (clearTimeout(guard), resolve()));
        stream.on('close', () => (clearTimeout(guard), resolve()));
        stream.on('error', (e) => (clearTimeout(guard), reject(e)));
      });
      exitCode = (await exec.inspect()).ExitCode ?? -1;
    } catch (error) {
      throw fromDockerError(error, `running a command in sandbox ${this.id}`);
    }
    const durationMs = Date.now() - started;
    const timedOut = timeoutSec > 0 && exitCode === 137 && durationMs >= timeoutSec * 1000 - 250;
    if (!timedOut && exitCode === 137 && !oomBefore && (await this.oomKilled())) {
      throw new SandboxError('oom_killed', `sandbox ${this.id}: the command was killed by the out-of-memory killer`, 'The task needs more memory than the sandbox limit (limits.memoryMb), or the command leaked memory.');
    }
    return { exitCode, output: out.text(), timedOut, truncated: out.truncated, durationMs };
  }

  private async oomKilled(): Promise<boolean> {
    try {
      return Boolean((await this.container.inspect()).State.OOMKilled);
    } catch (error) {
      throw fromDockerError(error, `inspecting sandbox ${this.id}`);
    }
  }

  private abs(path: string): string {
    return posix.isAbsolute(path) ? path : posix.join(this.workdir, path);
  }

  async writeFile(path: string, content: string | Uint8Array): Promise<void> {
    const abs = this.abs(path);
    const dir = posix.dirname(abs);
    await this.exec(`mkdir -p '${dir}'`, { user: 'root', cwd: '/' });
    try {
      await this.container.putArchive(singleFileTar(posix.basename(abs), content), { path: dir });
    } catch (error) {
      throw fromDockerError(error, `writing ${abs}`);
    }
    if (this.user !== 'root') await this.exec(`chown ${this.user} '${abs}'`, { user: 'root' });
  }

  async readFile(path: string): Promise<string> {
    const abs = this.abs(path);
    try {
      const file = await firstFileOf(await this.container.getArchive({ path: abs }));
      if (file === null) throw new SandboxError('io', `${abs} in sandbox ${this.id} is not a regular file`);
      return file.toString('utf8');
    } catch (error) {
      if (error instanceof SandboxError) throw error;
      throw fromDockerError(error, `reading ${abs}`);
    }
  }

  async copyIn(hostDir: string, sandboxDir: string): Promise<void> {
    const abs = this.abs(sandboxDir);
    await this.exec(`mkdir -p '${abs}'`, { user: 'root', cwd: '/' });
    try {
      await this.container.putArchive(tarDirectory(hostDir), { path: abs });
    } catch (error) {
      throw fromDockerError(error, `copying ${hostDir} into ${abs}`);
    }
    if (this.user !== 'root') await this.exec(`chown -R ${this.user} '${abs}'`, { user: 'root' });
  }

  async copyOut(sandboxDir: string, hostDir: string): Promise<void> {
    const abs = this.abs(sandboxDir);
    try {
      // The archive's first path component is the folder itself; strip it so its contents land in hostDir.
      await untarInto(await this.container.getArchive({ path: abs }), hostDir, 1);
    } catch (error) {
      throw fromDockerError(error, `copying ${abs} out to ${hostDir}`);
    }
  }

  async diff(): Promise<string> {
    const r = await this.exec(diffScript(this.workdir), { user: 'root', env: { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'safe.directory', GIT_CONFIG_VALUE_0: '*' }, timeoutMs: 120_000, outputCapBytes: 64 << 20 });
    if (r.exitCode !== 0) throw new SandboxError('io', `sandbox ${this.id}: cannot diff ${this.workdir}: ${r.output.trim().slice(-500)}`);
    return r.output;
  }

  async dispose(): Promise<void> {
    try {
      await this.container.remove({ force: true, v: true });
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 404) throw fromDockerError(error, `removing sandbox ${this.id}`);
    }
  }
}
