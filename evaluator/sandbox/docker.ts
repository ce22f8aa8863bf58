import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { posix } from 'node:path';
import Docker from 'dockerode';
import { BASE_IMAGE, ensureBaseImage } from '../images/base.js';
import { ensureImage, type BuildProgress } from '../images/build.js';
import { imageTag } from '../images/recipe.js';
import { extractStripped, firstFileOf, tarOfDirectory, tarOfFile, type Owner } from './archive.js';
import { diffScript } from './diff-script.js';
import { CHANNEL_CONFIG, channelCommand, ContainerChannel } from './channel.js';
import { dockerExec, type DockerExecRequest, killMarked } from './docker-exec.js';
import { fromDockerError, SandboxError } from './errors.js';
import { defaultCpus } from './limits.js';
import { cappedText, DEFAULT_OUTPUT_CAP } from './output.js';
import {
  BASE_REF,
  type ExecOptions,
  type ExecResult,
  type FsChange,
  type Sandbox,
  type SandboxLimits,
  type SandboxProvider,
  type SandboxSpec,
  type Snapshot,
} from './types.js';

// Docker provider: one fresh container per sandbox, the workspace copied in by tar (never bind-mounted), limits on
// memory, CPUs and processes, no network unless the spec asks, labelled so the reaper can find leftovers.

/** Default limits. diskMb bounds the container's writable layer where the storage driver can (see diskQuota). */
export const DEFAULT_LIMITS: SandboxLimits = { memoryMb: 4096, cpus: defaultCpus(), pids: 512, diskMb: 10_240 };

/**
 * Whether the engine can bound a container's writable layer (HostConfig.StorageOpt size): overlay2 only on an xfs
 * backing filesystem mounted with pquota, and btrfs, zfs, devicemapper. Elsewhere (overlay2 on ext4, the usual
 * case) the engine refuses the option, so it is left out and the layer is bounded by the disk only: a run that
 * fills it ends as a disk_full infrastructure error.
 */
export async function diskQuotaSupported(docker: Docker): Promise<boolean> {
  try {
    const info = (await docker.info()) as { Driver?: string; DriverStatus?: Array<[string, string]> };
    const backing = info.DriverStatus?.find(([k]) => k === 'Backing Filesystem')?.[1];
    if (info.Driver === 'overlay2') return backing === 'xfs';
    return ['btrfs', 'zfs', 'devicemapper', 'windowsfilter'].includes(info.Driver ?? '');
  } catch {
    return false;
  }
}
export { defaultCpus };
export const LABEL_PREFIX = 'evolve.';
/** `pid@host` of the process that created the container; the reaper removes it once that process is gone. */
export const OWNER_LABEL = 'evolve.owner';
export const SANDBOX_LABEL = 'evolve.sandbox';
/** On images made by DockerSandbox.freeze (they also keep the container's owner label, for the reaper). */
export const SNAPSHOT_LABEL = 'evolve.snapshot';
/** The engine's change kinds (GET /containers/{id}/changes). */
const CHANGE_KINDS: FsChange['kind'][] = ['changed', 'added', 'deleted'];
/** Added by the engine itself (HostConfig.Init), not by anything that ran in the container. */
const ENGINE_PATHS = new Set(['/usr/sbin/docker-init']);
const DIFF_CAP = 64 << 20;
const DIFF_TIMEOUT_MS = 120_000;
/** Bound on the container's start-up lines; a built-in workdir's `chown -R` comes first. */
const READY_TIMEOUT_MS = 300_000;

export function ownerTag(): string {
  return `${process.pid}@${hostname()}`;
}

export interface DockerProviderOptions {
  docker?: Docker;
  limits?: Partial<SandboxLimits>;
  /** Default exec user when the spec names none (falls back to root when the image lacks it). */
  user?: string;
  onBuildProgress?: BuildProgress;
}

export class DockerProvider implements SandboxProvider {
  readonly name = 'docker' as const;
  readonly docker: Docker;
  /**
   * Images seen to exist (recipes by their content tag). One removed meanwhile fails createContainer as
   * image_missing and is forgotten then; create() then looks it up (or builds it) again.
   */
  private readonly knownImages = new Set<string>();
  /** Asked of the engine once per provider; false after the engine refuses a size (xfs without pquota). */
  private diskQuota: Promise<boolean> | undefined;

  constructor(private readonly options: DockerProviderOptions = {}) {
    this.docker = options.docker ?? new Docker();
  }

  async create(spec: SandboxSpec): Promise<DockerSandbox> {
    const image = await this.resolveImage(spec);
    try {
      return await this.createFrom(image, spec);
    } catch (error) {
      if (!(error instanceof SandboxError && error.kind === 'image_missing') || this.knownImages.has(image))
        throw error;
      // Removed since it was seen (createFrom forgot it): look it up, or build it, again, once.
      return this.createFrom(await this.resolveImage(spec), spec);
    }
  }

  private async createFrom(image: string, spec: SandboxSpec): Promise<DockerSandbox> {
    const limits = { ...DEFAULT_LIMITS, ...this.options.limits, ...spec.limits };
    const labels: Record<string, string> = { [SANDBOX_LABEL]: '1', [OWNER_LABEL]: ownerTag() };
    for (const [k, v] of Object.entries(spec.labels ?? {}))
      labels[k.startsWith(LABEL_PREFIX) ? k : LABEL_PREFIX + k] = v;
    const user = spec.user ?? this.options.user ?? 'agent';
    this.diskQuota ??= diskQuotaSupported(this.docker);
    const quota = limits.diskMb && (await this.diskQuota) ? { StorageOpt: { size: `${limits.diskMb}M` } } : {};
    let container: Docker.Container;
    const create = (storage: object) =>
      this.docker.createContainer({
        Image: image,
        Cmd: channelCommand(user, spec.workdir),
        ...CHANNEL_CONFIG,
        User: 'root',
        WorkingDir: '/',
        Labels: labels,
        HostConfig: {
          AutoRemove: true, // once killed, the engine removes it, even if this process dies right after
          Init: true, // reaps orphans, so killed commands leave no zombies holding pids
          NetworkMode: spec.network ? 'bridge' : 'none',
          Memory: limits.memoryMb * 1024 * 1024,
          MemorySwap: limits.memoryMb * 1024 * 1024,
          NanoCpus: Math.round(limits.cpus * 1e9),
          PidsLimit: limits.pids,
          SecurityOpt: ['no-new-privileges'],
          LogConfig: { Type: 'none', Config: {} }, // the main process speaks the channel; nothing to keep
          ...storage,
        },
      });
    try {
      container = await create(quota).catch((error: unknown) => {
        if (!('StorageOpt' in quota) || !/storage-opt/i.test(String((error as Error).message))) throw error;
        this.diskQuota = Promise.resolve(false); // e.g. xfs without pquota: go on without a size
        return create({});
      });
    } catch (error) {
      const failure = fromDockerError(error, `creating a container from ${image}`);
      if (failure.kind === 'image_missing') this.knownImages.delete(image);
      throw failure;
    }
    try {
      const channel = await ContainerChannel.attach(container);
      try {
        await container.start();
      } catch (error) {
        channel.close();
        throw error;
      }
      channel.open();
      // The container's first lines name the user and say the workdir is theirs (see channelCommand).
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new SandboxError(
                'io',
                `the container from ${image} did not report ready within ${READY_TIMEOUT_MS / 1000} s`,
                'Handing a large built-in workdir to the sandbox user can take long; check the image.',
              ),
            ),
          READY_TIMEOUT_MS,
        );
      });
      await Promise.race([channel.ready, late]).finally(() => clearTimeout(timer));
      const reported = channel.account;
      if (!reported)
        throw new SandboxError(
          'container_gone',
          `the container from ${image} stopped as it started`,
          'Its image needs a `sh`; check that it runs with `docker run --rm IMAGE sh -c true`.',
        );
      if (channel.adoptFailed)
        throw new SandboxError('io', `cannot give ${spec.workdir} to ${user} as the container started`);
      const account = { name: reported.uid === 0 ? 'root' : user, ...reported };
      return new DockerSandbox(container, spec.workdir, account, channel, this.docker);
    } catch (error) {
      await container.remove({ force: true, v: true }).catch(() => undefined);
      throw error instanceof SandboxError ? error : fromDockerError(error, 'starting the container');
    }
  }

  /** An image tag that exists: found, pulled or built once per provider, then taken as known (see knownImages). */
  private async resolveImage(spec: SandboxSpec): Promise<string> {
    const wanted = typeof spec.image === 'string' ? spec.image : imageTag(spec.image);
    if (this.knownImages.has(wanted)) return wanted;
    const tag = await this.findImage(spec.image, spec.missingImageHelp);
    this.knownImages.add(tag);
    return tag;
  }

  private async findImage(image: SandboxSpec['image'], help?: string): Promise<string> {
    const onProgress = this.options.onBuildProgress;
    if (typeof image !== 'string') return ensureImage(image, { docker: this.docker, onProgress });
    if (image === BASE_IMAGE) return ensureBaseImage({ docker: this.docker, onProgress });
    try {
      await this.docker.getImage(image).inspect();
      return image;
    } catch (error) {
      const failure = fromDockerError(error, `looking up image ${image}`);
      // The task knows how else an environment can be given (a SWE-bench row's image, an evolve.json recipe).
      if (failure.kind === 'image_missing' && help)
        throw new SandboxError('image_missing', `image ${image} is not here. ${help}`, help);
      throw failure;
    }
  }
}

/**
 * Pauses a container, trying again while the freezer fails: processes that fork as fast as they can (a fork bomb
 * at the pids limit) can make one attempt give up ("unable to freeze").
 */
async function pauseHard(container: Docker.Container): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await container.pause();
      return;
    } catch (error) {
      if (attempt >= 10 || (error as { statusCode?: number }).statusCode !== 500) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** Removes a snapshot image, waiting (a few seconds at most) for the sandboxes made from it to be removed. */
async function removeSnapshot(docker: Docker, image: string): Promise<void> {
  for (let i = 0; i < 20; i++) {
    try {
      await docker.getImage(image).remove({ force: true });
      return;
    } catch (error) {
      const code = (error as { statusCode?: number }).statusCode;
      if (code !== 409) return; // gone already (404), or nothing a retry would change
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

interface Account extends Owner {
  name: string;
  home: string;
}

const ROOT: Account = { name: 'root', uid: 0, gid: 0, home: '/root' };

export class DockerSandbox implements Sandbox {
  readonly id: string;
  readonly user: string;
  private disposed = false;

  /** `owner` is the sandbox user, who owns the workdir (the container's main process saw to it as it started). */
  constructor(
    readonly container: Docker.Container,
    readonly workdir: string,
    private readonly owner: Account,
    private readonly channel?: ContainerChannel,
    /** The engine, for the images freeze() makes. */
    private readonly docker?: Docker,
  ) {
    this.id = container.id;
    this.user = owner.name;
  }

  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    let cmd = command;
    if (options.stdin !== undefined) {
      const file = `/tmp/.evolve-stdin-${Date.now()}-${Math.random().toString(36).slice(2)}`;
      await this.writeFile(file, options.stdin);
      cmd = `exec < ${file}; rm -f ${file}; ${command}`;
    }
    const result = await this.run({
      command: cmd,
      user: options.user ?? this.user,
      cwd: options.cwd ? posix.resolve(this.workdir, options.cwd) : this.workdir,
      env: options.env,
      timeoutMs: options.timeoutMs,
      outputCapBytes: options.outputCapBytes,
    });
    if (result.exitCode === 137 && !result.timedOut) await this.throwIfOomKilled();
    return result;
  }

  /** Exit 137 is SIGKILL; the engine's state (or the cgroup's own counter) tells whether the OOM killer sent it. */
  private async throwIfOomKilled(): Promise<void> {
    const state = await this.container.inspect().catch((error: unknown) => {
      throw fromDockerError(error, 'inspecting the container');
    });
    let oom = state.State.OOMKilled === true;
    if (!oom) {
      const r = await this.run({
        command:
          'cat /sys/fs/cgroup/memory.events /sys/fs/cgroup/memory/memory.oom_control 2>/dev/null | grep "^oom_kill "',
        user: 'root',
        cwd: '/',
        timeoutMs: 10_000,
      });
      oom = /^oom_kill [1-9]/m.test(r.output);
    }
    if (oom) {
      throw new SandboxError(
        'oom_killed',
        `the command was killed by the out-of-memory killer in container ${this.id.slice(0, 12)}`,
        'The task needs more memory than the sandbox limit (limits.memoryMb), or the agent ran something that leaks.',
      );
    }
  }

  /**
   * One command, through the container's main process when it can take it (the sandbox user or root, nothing else
   * running there), else through a docker exec. Both kill the command's processes at the timeout by its marker.
   */
  private async run(req: DockerExecRequest): Promise<ExecResult> {
    const account = req.user === this.user ? this.owner : req.user === 'root' ? ROOT : undefined;
    if (account && this.channel) {
      const started = Date.now();
      const marker = randomBytes(8).toString('hex');
      const cap = req.outputCapBytes ?? DEFAULT_OUTPUT_CAP;
      const r = await this.channel.run({
        command: req.command,
        cwd: req.cwd,
        env: { HOME: account.home, ...req.env },
        uid: account.uid,
        gid: account.gid,
        capBytes: cap,
        marker,
        timeoutMs: req.timeoutMs,
        kill: () => killMarked(this.container, marker, req.user),
      });
      if (r)
        return {
          exitCode: r.exitCode,
          output: cappedText(r.output, r.dropped),
          timedOut: r.timedOut,
          truncated: r.dropped !== 0,
          durationMs: Date.now() - started,
        };
    }
    return dockerExec(this.container, req);
  }

  private path(p: string): string {
    return posix.resolve(this.workdir, p);
  }

  async writeFile(path: string, content: string | Uint8Array): Promise<void> {
    const abs = this.path(path);
    await this.upload(await tarOfFile(abs, content, this.owner, this.ownedDirs(posix.dirname(abs))));
  }

  async readFile(path: string): Promise<string> {
    const abs = this.path(path);
    const viaChannel = await this.channel?.read(abs);
    if (viaChannel) return viaChannel.toString('utf8');
    let archive: NodeJS.ReadableStream;
    try {
      archive = await this.container.getArchive({ path: abs });
    } catch (error) {
      const e = error as { statusCode?: number };
      if (e.statusCode === 404)
        throw Object.assign(new Error(`no such file in the sandbox: ${abs}`), { code: 'ENOENT' });
      throw fromDockerError(error, `reading ${abs}`);
    }
    const content = await firstFileOf(archive);
    if (content === undefined)
      throw Object.assign(new Error(`not a regular file in the sandbox: ${abs}`), { code: 'EISDIR' });
    return content.toString('utf8');
  }

  async copyIn(hostDir: string, sandboxDir: string): Promise<void> {
    const abs = this.path(sandboxDir);
    await this.upload(await tarOfDirectory(hostDir, this.owner, abs, this.ownedDirs(abs)));
  }

  async copyOut(sandboxDir: string, hostDir: string): Promise<void> {
    const abs = this.path(sandboxDir);
    try {
      await extractStripped(await this.container.getArchive({ path: `${abs.replace(/\/$/, '')}/.` }), hostDir);
    } catch (error) {
      throw error instanceof SandboxError ? error : fromDockerError(error, `copying ${abs} out`);
    }
  }

  async diff(): Promise<string> {
    const r = await this.run({
      command: diffScript(this.workdir),
      user: this.user,
      cwd: '/',
      outputCapBytes: DIFF_CAP,
      timeoutMs: DIFF_TIMEOUT_MS,
    });
    if (r.timedOut)
      throw new SandboxError(
        'io',
        `computing the workspace diff took longer than ${DIFF_TIMEOUT_MS / 1000} s`,
        'The workdir probably holds a huge number of files; check what the agent wrote.',
      );
    if (r.exitCode !== 0)
      throw new SandboxError(
        'io',
        `computing the workspace diff failed (exit ${r.exitCode}): ${r.output.slice(-2000)}`,
        `The workdir must be a git repository with a commit (workspace preparation creates ${BASE_REF}).`,
      );
    if (r.truncated)
      throw new SandboxError(
        'io',
        `the workspace diff is larger than ${DIFF_CAP >> 20} MiB`,
        'The agent probably wrote large generated files into the repository.',
      );
    return r.output;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    // AutoRemove then has the engine delete the container and its anonymous volumes.
    if (await this.channel?.quit()) return;
    this.channel?.close();
    await this.container.kill().catch((error: { statusCode?: number }) => {
      if (error.statusCode !== 404 && error.statusCode !== 409) throw fromDockerError(error, 'removing the container');
    });
  }

  /**
   * Pauses the container (the freezer stops every process at once, background ones included), asks the engine what
   * changed against the image, commits the filesystem as an untagged image and kills the container. A process the
   * agent left can then neither write after the snapshot nor run while it is graded.
   */
  async freeze(): Promise<Snapshot> {
    if (this.disposed) throw new SandboxError('container_gone', 'the sandbox was already disposed');
    this.disposed = true;
    try {
      await pauseHard(this.container);
      this.channel?.close();
      const raw = ((await this.container.changes()) ?? []) as Array<{ Path: string; Kind: number }>;
      const changes = raw
        .filter((c) => !ENGINE_PATHS.has(c.Path))
        .map((c) => ({ path: c.Path, kind: CHANGE_KINDS[c.Kind] ?? 'changed' }));
      const { Id } = (await this.container.commit({ pause: false, changes: `LABEL ${SNAPSHOT_LABEL}=1` })) as {
        Id: string;
      };
      const docker = this.docker;
      return { image: Id, changes, release: () => (docker ? removeSnapshot(docker, Id) : Promise.resolve()) };
    } catch (error) {
      throw error instanceof SandboxError ? error : fromDockerError(error, 'freezing the sandbox');
    } finally {
      this.channel?.close();
      await this.container.kill().catch(() => undefined); // paused or not; AutoRemove then deletes it
    }
  }

  /** Directories an upload into `dir` should create as the sandbox user: the workdir and the chain below it. */
  private ownedDirs(dir: string): string[] {
    const dirs: string[] = [];
    const below = posix.relative(this.workdir, dir);
    if (below && !below.startsWith('..') && !posix.isAbsolute(below)) {
      const parts = below.split('/');
      for (let i = 1; i <= parts.length; i++) dirs.push(posix.join(this.workdir, ...parts.slice(0, i)));
    }
    return dirs;
  }

  /** One tar extracted at /, names absolute: no round trip to create folders first. */
  private async upload(archive: Buffer): Promise<void> {
    if (await this.channel?.write(archive)) return;
    try {
      await this.container.putArchive(archive, { path: '/' });
    } catch (error) {
      throw fromDockerError(error, 'copying into the sandbox');
    }
  }
}
