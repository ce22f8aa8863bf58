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

/**
 * A command run in a root of its own (for the gate's typecheck and tests of a code variant, which need child
 * processes and workers the permission model would have to allow): private mount, pid and network namespaces
 * (unshare), a fresh tmpfs root holding only the system folders (read-only), `readOnly` and `writable` folders at
 * their own paths, a private /proc and /tmp; then chroot and the unprivileged uid with no capability (setpriv),
 * and the scrubbed environment. Nothing else of the host (workspace, task folders, database, Docker socket, other
 * runs) exists in there, and there is no network. Needs root; without it the command runs as is with the
 * scrubbed environment only (`confined: false`).
 */
export function jailedCommand(
  command: string[],
  folders: { readOnly: string[]; writable: string[]; cwd: string },
): { file: string; args: string[]; env: Record<string, string>; confined: boolean } {
  const env = scrubbedEnv({ HOME: '/tmp', CI: '1', NO_COLOR: '1', FORCE_COLOR: '0' });
  if (!(typeof process.getuid === 'function' && process.getuid() === 0))
    return { file: command[0]!, args: command.slice(1), env, confined: false };
  const q = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
  const bind = (dir: string, ro: boolean) =>
    [
      `mkdir -p "$R"${q(dir)}`,
      `mount --rbind ${q(dir)} "$R"${q(dir)}`,
      ...(ro ? [`mount -o remount,bind,ro "$R"${q(dir)}`] : []),
    ].join('\n');
  const script = [
    'set -e',
    'PATH=/usr/sbin:/usr/bin:/sbin:/bin',
    // The new root is mounted over /mnt in the private namespace: the host's /mnt is untouched and nothing is left.
    'R=/mnt; [ -d "$R" ] || R=$(mktemp -d /tmp/evolve-jail-XXXXXX)',
    'mount -t tmpfs -o size=1g,mode=755 evolve-jail "$R"',
    'for d in /usr /bin /sbin /lib /lib32 /lib64 /libx32 /etc; do',
    '  if [ -L "$d" ]; then ln -s "$(readlink "$d")" "$R$d";',
    '  elif [ -d "$d" ]; then mkdir -p "$R$d"; mount --rbind "$d" "$R$d"; mount -o remount,bind,ro "$R$d"; fi',
    'done',
    'mkdir -p "$R/dev" "$R/tmp" "$R/proc" && chmod 1777 "$R/tmp"',
    'for n in null zero random urandom; do touch "$R/dev/$n"; mount --bind "/dev/$n" "$R/dev/$n"; done',
    'mount -t proc proc "$R/proc"',
    ...folders.readOnly.map((d) => bind(d, true)),
    ...folders.writable.map((d) => bind(d, false)),
    `cd "$R" && exec chroot "$R" setpriv --reuid=${UNPRIVILEGED.uid} --regid=${UNPRIVILEGED.gid} --clear-groups --inh-caps=-all --bounding-set=-all sh -c ${q(`cd ${q(folders.cwd)} && exec "$@"`)} jailed ${command.map(q).join(' ')}`,
  ].join('\n');
  return {
    file: 'unshare',
    args: ['--mount', '--net', '--pid', '--fork', '--kill-child', '--propagation', 'private', 'sh', '-c', script],
    env,
    confined: true,
  };
}
