// How the agent process is confined, and why this way (README "Agents run confined"):
// - Node's permission model: the process may read only the folder bundle.ts made for it (its code and prompts);
//   no write anywhere, no child process, no worker, no native addon. That covers the files a uid cannot hide
//   (world-readable task folders, the workspace database, other runs, /proc/self/environ).
// - An unprivileged uid (nobody) when the evaluator runs as root: what the permission model does not cover (it has
//   documented gaps: sockets, symbolic links) is closed by the kernel. The Docker socket (root:docker 0660),
//   root-only files and signals to the evaluator are out of reach. Without root this layer is absent, and the
//   permission model alone stands (the Docker socket stays reachable to a user in the docker group).
// - A scrubbed environment: nothing of the evaluator's (no keys, no DOCKER_HOST, no NODE_OPTIONS).
// A container per agent would add seconds per run and the Docker engine's socket to the wiring; these three
// cost one Node start (about 60 ms, bench/agent-process.ts) and need nothing installed.

/** nobody:nogroup on Debian and most distributions. */
export const UNPRIVILEGED = { uid: 65534, gid: 65534 };

export interface Confinement {
  /** Node flags: the permission model, reads limited to `readable`. */
  execArgv: string[];
  env: Record<string, string>;
  uid?: number;
  gid?: number;
}

export function confinement(readable: string[], options: { memoryMb?: number } = {}): Confinement {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  return {
    execArgv: [
      '--experimental-permission',
      ...readable.map((p) => `--allow-fs-read=${p}`),
      '--disable-warning=ExperimentalWarning',
      `--max-old-space-size=${options.memoryMb ?? 1024}`,
    ],
    env: scrubbedEnv(),
    ...(root ? UNPRIVILEGED : {}),
  };
}

/** The whole environment of a confined process: nothing inherited but a locale and a time zone. */
export function scrubbedEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    LANG: 'C.UTF-8',
    TZ: process.env.TZ ?? 'UTC',
    HOME: '/nonexistent',
    ...extra,
  };
}
