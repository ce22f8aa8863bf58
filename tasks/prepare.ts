import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BASE_REF, type Sandbox } from '../evaluator/sandbox/types.js';
import type { Task } from './schema.js';

// Puts a task's workspace in place, as the SWE-bench harness does: the repository at base_commit with no remote and
// nothing after it (so the future fix cannot be read), then a ref marking the base so the final diff is only the
// agent's. Runs the same way for the agent's sandbox and the grader's. A folder or repository workspace is made
// ready on the host (base commit, ref), once per evaluation with a PreparedWorkspaces, and then only copied in: one
// upload per sandbox.

const FIXED_DATE = '2026-01-01T00:00:00Z';
const COMMIT_ENV = { GIT_AUTHOR_DATE: FIXED_DATE, GIT_COMMITTER_DATE: FIXED_DATE };

/** Commits whatever is in the workdir as the base (fixed author and dates, so the same files give the same sha). */
function commitBaseScript(): string {
  return [
    'set -e',
    'if [ ! -d .git ]; then git init -q; fi',
    'git add -A',
    `GIT_AUTHOR_DATE=${FIXED_DATE} GIT_COMMITTER_DATE=${FIXED_DATE} git -c user.name=evolve -c user.email=evolve@localhost -c commit.gpgsign=false commit -q --allow-empty -m "base"`,
    `git update-ref ${BASE_REF} HEAD`,
  ].join('\n');
}

async function run(sandbox: Sandbox, script: string, what: string, user?: string): Promise<void> {
  const r = await sandbox.exec(script, { timeoutMs: 120_000, ...(user ? { user } : {}) });
  if (r.exitCode !== 0)
    throw Object.assign(new Error(`${what} failed (exit ${r.exitCode}): ${r.output.trim().slice(-600)}`), {
      kind: 'prepare_failed',
    });
}

/**
 * Host git commands in one shell. Task data is data: `g` is git with no user or system config, hooks and
 * fsmonitor off (a task's own .git/config cannot turn them back on: -c wins), and the environment is only what git
 * needs, none of evolve's (no key reaches a command a task could name). One spawn per workspace, not one per
 * command, and never a synchronous one: a spawn from a large node process is costly, and a synchronous one would
 * stall every other run of the evaluation meanwhile.
 */
function hostGit(dir: string, script: string, vars: Record<string, string> = {}): Promise<void> {
  const env = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: dir,
    LANG: 'C.UTF-8',
    ...COMMIT_ENV,
    ...vars,
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    GIT_ATTR_NOSYSTEM: '1',
  };
  // No reflogs: a base commit needs none, and each is a few more files for every sandbox to create.
  const g = `g() { git ${SAFE_GIT.join(' ')} -c user.name=evolve -c user.email=evolve@localhost -c commit.gpgsign=false -c init.defaultBranch=main -c core.logAllRefUpdates=false "$@"; }`;
  return new Promise((resolve, reject) => {
    execFile('sh', ['-c', `set -e\n${g}\n${script}`], { cwd: dir, env, maxBuffer: 16 << 20 }, (error, _out, stderr) =>
      error ? reject(Object.assign(error, { stderr })) : resolve(),
    );
  });
}

/** Options for every git command run on the host over a task's files: nothing in the repository runs. */
export const SAFE_GIT = [
  '-c',
  'core.hooksPath=/dev/null',
  '-c',
  'core.fsmonitor=false',
  '-c',
  'core.untrackedCache=false',
  '-c',
  'protocol.allow=never',
  '-c',
  'protocol.file.allow=always',
];

/**
 * A copied repository's own config, cut to what says how to read it (format version, extensions): a filter,
 * a pager, an fsmonitor or an include set there would run or read on the host. Its hooks go too.
 */
const SANITIZE_COPY = [
  'if [ -e .git ] && [ ! -d .git ]; then echo ".git is not a folder (a gitdir link leaves the task)" >&2; exit 1; fi',
  'if [ -d .git ]; then',
  '  keep=$(git config --file .git/config --get-regexp "^(core\\.repositoryformatversion|extensions\\.)" || true)',
  '  : > .git/config',
  '  printf "%s\\n" "$keep" | while read -r k v; do if [ -n "$k" ]; then git config --file .git/config "$k" "$v"; fi; done',
  '  rm -rf .git/hooks .git/info/attributes',
  'fi',
].join('\n');

/** A fresh temporary folder filled by `fill`, removed again if filling fails. */
async function filledTemp(prefix: string, fill: (dir: string) => Promise<void>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  try {
    await fill(dir);
    return dir;
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** A host copy of a folder workspace with its base committed, as commitBaseScript would commit it in the sandbox. */
const committedCopy = (path: string) =>
  filledTemp('evolve-ws-', async (dir) => {
    await cp(path, dir, { recursive: true, verbatimSymlinks: true });
    // Packed, the objects are 3 files instead of two per file and folder: every sandbox creates far fewer files.
    await hostGit(
      dir,
      [
        SANITIZE_COPY,
        '[ -d .git ] || g init -q --template=',
        'g add -A',
        'g commit -q --allow-empty -m base',
        'g repack -a -d -q -n',
        `g update-ref ${BASE_REF} HEAD`,
      ].join('\n'),
    );
  });

/** A host clone of `repo` at `baseCommit` with remotes, other branches, tags and unreachable objects gone. */
const cloneAtBase = (repo: string, baseCommit: string) =>
  filledTemp('evolve-repo-', (dir) =>
    hostGit(
      dir,
      [
        'g clone -q --no-hardlinks --template= "$REPO" .',
        'g checkout -q -B main "$BASE"',
        "refs=$(g for-each-ref --format='%(refname)')",
        'for ref in $refs; do [ "$ref" = refs/heads/main ] || g update-ref -d "$ref"; done',
        'for remote in $(g remote); do g remote remove "$remote"; done',
        'g reflog expire --expire=now --all',
        'g gc -q --prune=now',
        `g update-ref ${BASE_REF} HEAD`,
      ].join('\n'),
      { REPO: repo, BASE: baseCommit },
    ),
  );

async function preparedCopy(task: Task, make: () => Promise<string>): Promise<string> {
  try {
    return await make();
  } catch (error) {
    const e = error as { stderr?: string; message?: string };
    throw Object.assign(
      new Error(
        `preparing the workspace of ${task.id} on the host failed: ${(e.stderr || e.message || String(error)).trim().slice(-600)}`,
      ),
      { kind: 'prepare_failed' },
    );
  }
}

const live = new Set<PreparedWorkspaces>();
process.once('exit', () => {
  for (const cache of live) for (const dir of cache.made()) rmSync(dir, { recursive: true, force: true });
});

/**
 * Host copies of prepared workspaces, one per workspace source, shared by the sandboxes of one evaluation (the
 * wiring owns one and clears it when the evaluation ends), so a suite's files are read once per evaluation.
 * Concurrent sandboxes of one workspace share its one preparation.
 */
export class PreparedWorkspaces {
  private readonly dirs = new Map<string, Promise<string>>();
  private readonly done = new Set<string>();

  dirFor(task: Task, key: string, make: () => Promise<string>): Promise<string> {
    let dir = this.dirs.get(key);
    if (!dir) {
      live.add(this);
      const pending: Promise<string> = preparedCopy(task, make).then(
        (made) => {
          // Cleared meanwhile (a warm-up outliving its evaluation): nobody will ask for it.
          if (this.dirs.get(key) !== pending) rmSync(made, { recursive: true, force: true });
          else this.done.add(made);
          return made;
        },
        (error: unknown) => {
          if (this.dirs.get(key) === pending) this.dirs.delete(key); // the next sandbox tries again
          throw error;
        },
      );
      this.dirs.set(key, (dir = pending));
    }
    return dir;
  }

  /** Folders made so far. */
  made(): string[] {
    return [...this.done];
  }

  async clear(): Promise<void> {
    const dirs = this.made();
    this.dirs.clear();
    this.done.clear();
    live.delete(this);
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  }
}

/** Copies the host folder `make` prepares into the workdir: from the cache, or made for this sandbox alone. */
async function copyPrepared(
  task: Task,
  sandbox: Sandbox,
  key: string,
  make: () => Promise<string>,
  cache?: PreparedWorkspaces,
): Promise<void> {
  const dir = await (cache ? cache.dirFor(task, key, make) : preparedCopy(task, make));
  try {
    await sandbox.copyIn(dir, task.environment.workdir);
  } finally {
    if (!cache) await rm(dir, { recursive: true, force: true });
  }
}

/** The host folder a folder or git workspace is prepared into, with its cache key; undefined for an image one. */
function hostSource(task: Task): { key: string; make: () => Promise<string> } | undefined {
  const ws = task.workspace;
  if (ws.kind === 'dir') return { key: `dir\0${ws.path}`, make: () => committedCopy(ws.path) };
  if (ws.kind === 'git')
    return { key: `git\0${ws.repo}\0${ws.baseCommit}`, make: () => cloneAtBase(ws.repo, ws.baseCommit) };
  return undefined;
}

/**
 * Starts the host side of a task's preparation into the cache, so it overlaps the container's start. A failure
 * is left for prepareWorkspace to report (the cache then tries again).
 */
export function warmWorkspace(task: Task, cache: PreparedWorkspaces): void {
  const source = hostSource(task);
  if (source) cache.dirFor(task, source.key, source.make).catch(() => undefined);
}

export async function prepareWorkspace(task: Task, sandbox: Sandbox, cache?: PreparedWorkspaces): Promise<void> {
  const workdir = task.environment.workdir;
  const source = hostSource(task);
  if (source) {
    await copyPrepared(task, sandbox, source.key, source.make, cache);
  } else {
    // The image holds the workspace. A folder that is already a repository (a git task) is left exactly as built.
    // Committed as root, so files of any mode (unreadable to the sandbox user, say) go in; the repository is then
    // handed to the sandbox user, so an unprivileged agent can still commit and the diff still runs.
    await run(
      sandbox,
      [
        // Harbor's environments have its agent log folders from the start; /logs/verifier is the grader's to make.
        ...(task.grader.kind === 'terminal-bench' && task.grader.mode === 'reward'
          ? ['mkdir -p /logs/agent /logs/artifacts && chmod 777 /logs/agent /logs/artifacts']
          : []),
        `mkdir -p '${workdir}' && cd '${workdir}' && if [ -d .git ]; then exit 0; fi`,
        commitBaseScript(),
        `owner=$(stat -c %u:%g .); [ "$owner" = 0:0 ] || chown -R "$owner" .git`,
      ].join('\n'),
      `preparing ${task.id}`,
      'root',
    );
  }
}
