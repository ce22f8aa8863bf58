// The one contract shared by the agent, the graders and the sandbox providers.
// Types only: importing this file pulls in no runtime code, so agent/ and tasks/ stay free of evaluator internals.

export interface ExecOptions {
  /** Working directory inside the sandbox; defaults to the sandbox's workdir. */
  cwd?: string;
  env?: Record<string, string>;
  /** Kill the command (and every child it spawned) after this long. */
  timeoutMs?: number;
  /** Keep at most this many bytes of output; the rest is cut with a marker, never buffered. */
  outputCapBytes?: number;
  stdin?: string;
  /** Run as this user instead of the sandbox's default (graders use root). */
  user?: string;
}

export interface ExecResult {
  exitCode: number;
  /** stdout and stderr interleaved as they arrived, capped. */
  output: string;
  timedOut: boolean;
  truncated: boolean;
  durationMs: number;
}

/** Ref created by workspace preparation; `diff()` compares against it, so agent commits still show up. */
export const BASE_REF = 'refs/evolve/base';

export interface Sandbox {
  readonly id: string;
  /** Directory the agent works in (e.g. /testbed). */
  readonly workdir: string;
  /** Runs `bash -c command`. Never throws for a non-zero exit; throws SandboxError when the sandbox itself fails. */
  exec(command: string, options?: ExecOptions): Promise<ExecResult>;
  writeFile(path: string, content: string | Uint8Array): Promise<void>;
  readFile(path: string): Promise<string>;
  /** Copies a host directory's contents into a sandbox directory (created if missing). */
  copyIn(hostDir: string, sandboxDir: string): Promise<void>;
  /** Copies a sandbox directory's contents out to a host directory (created if missing). */
  copyOut(sandboxDir: string, hostDir: string): Promise<void>;
  /** Diff of the workdir (tracked and untracked files) against BASE_REF, or HEAD when it is absent. */
  diff(): Promise<string>;
  dispose(): Promise<void>;
  /**
   * Stops every process in the sandbox at one instant and keeps its filesystem as an image; the sandbox is gone
   * afterwards. Grading from a fresh sandbox of that image leaves nothing the agent started alive to interfere.
   * Absent where the provider cannot do it (local).
   */
  freeze?(): Promise<Snapshot>;
}

/** One path the sandbox changed against the image it started from, as the engine reports it. */
export interface FsChange {
  path: string;
  kind: 'changed' | 'added' | 'deleted';
}

/** A frozen sandbox's filesystem. */
export interface Snapshot {
  /** An image a fresh sandbox can start from (SandboxSpec.image). */
  image: string;
  /** What the sandbox changed against its image before it was frozen. */
  changes: FsChange[];
  /** Removes the image once no sandbox runs from it; never throws. */
  release(): Promise<void>;
}

/** An image described by a base and build steps; named by a content hash so equal recipes build once. */
export interface ImageRecipe {
  /** Human-readable name stem, e.g. "swe-env-python". */
  name: string;
  /** Full Dockerfile text. `FROM` may name another recipe's tag (layering: base -> environment -> task). */
  dockerfile: string;
  /** Extra files for the build context, path -> content. */
  files?: Record<string, string | Uint8Array>;
  /** Recipe this one builds on (built first when missing). */
  parent?: ImageRecipe;
}

export interface SandboxLimits {
  memoryMb: number;
  cpus: number;
  pids: number;
  /** Writable layer size, where the engine's storage driver can bound it (DockerProvider says where). */
  diskMb?: number;
}

export interface SandboxSpec {
  /** An image tag that exists (or can be pulled), or a recipe to build through the cache. */
  image: string | ImageRecipe;
  workdir: string;
  network?: boolean;
  limits?: Partial<SandboxLimits>;
  /** Default user for exec; falls back to root when the image lacks it. */
  user?: string;
  /** Said when the image is neither here nor pullable: how else the user can give an environment. */
  missingImageHelp?: string;
  /** Recorded on the container so the reaper can find leftovers: workspace, run id, ... */
  labels?: Record<string, string>;
}

export interface SandboxProvider {
  /** Its key in ./providers.ts. */
  readonly name: string;
  create(spec: SandboxSpec): Promise<Sandbox>;
}

export type SandboxErrorKind =
  | 'engine_unavailable'
  | 'image_missing'
  | 'build_failed'
  | 'oom_killed'
  | 'disk_full'
  | 'container_gone'
  | 'io';

export interface SandboxErrorData {
  kind: SandboxErrorKind;
  message: string;
  hint?: string;
}
