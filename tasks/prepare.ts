import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sandbox } from '../evaluator/sandbox/types.js';
import type { Task } from './schema.js';

// Puts a task's workspace in place, as the SWE-bench harness does: the repository at base_commit with no remote and
// nothing after it (so the future fix cannot be read), then a ref marking the base so the final diff is only the
// agent's. Runs the same way for the agent's sandbox and the grader's. A folder or repository workspace is made
// ready on the host (base commit, ref), once per evaluation with a PreparedWorkspaces, and then only copied in: one
// upload per sandbox.

const BASE_REF = 'refs/evolve/base';
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

async function run(sandbox: Sandbox, script: string, what: string): Promise<void> {
  const r = await sandbox.exec(script, { timeoutMs: 120_000 });
  if (r.exitCode !== 0) throw Object.assign(new Error(`${what} failed (exit ${r.exitCode}): ${r.output.trim().slice(-600)}`), { kind: 'prepare_failed' });
}

/** Host git that reads no user or system config, so a host's autocrlf, hooks or signing cannot change the base. */
function git(dir: string, ...args: string[]): string {
  const env = { ...process.env, ...COMMIT_ENV, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0' };
  return execFileSync('git', ['-C', dir, '-c', 'user.name=evolve', '-c', 'user.email=evolve@localhost', '-c', 'commit.gpgsign=false', '-c', 'init.defaultBranch=main', ...args], { stdio: 'pipe', env, encoding: 'utf8' });
}

/** A fresh temporary folder filled by `fill`, removed again if filling fails. */
function filledTemp(prefix: string, fill: (dir: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    fill(dir);
    return dir;
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** A host copy of a folder workspace with its base committed, as commitBaseScript would commit it in the sandbox. */
const committedCopy = (path: string) =>
  filledTemp('evolve-ws-', (dir) => {
    cpSync(path, dir, { recursive: true, verbatimSymlinks: true });
    if (!existsSync(join(dir, '.git'))) git(dir, 'init', '-q', '--template=');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '--allow-empty', '-m', 'base');
    git(dir, 'update-ref', BASE_REF, 'HEAD');
  });

/** A host clone of `repo` at `baseCommit` with remotes, other branches, tags and unreachable objects gone. */
const cloneAtBase = (repo: string, baseCommit: string) => filledTemp('evolve-repo-', (dir) => stripToBase(repo, baseCommit, dir));

function stripToBase(repo: string, baseCommit: string, dir: string): void {
  git(dir, 'clone', '-q', '--no-hardlinks', repo, '.');
  git(dir, 'checkout', '-q', '-B', 'main', baseCommit);
  for (const ref of git(dir, 'for-each-ref', '--format=%(refname)').split('\n').filter(Boolean)) {
    if (ref !== 'refs/heads/main') git(dir, 'update-ref', '-d', ref);
  }
  for (const remote of git(dir, 'remote').split('\n').filter(Boolean)) git(dir, 'remote', 'remove', remote);
  git(dir, 'reflog', 'expire', '--expire=now', '--all');
  git(dir, 'gc', '-q', '--prune=now');
  git(dir, 'update-ref', BASE_REF, 'HEAD');
}

function preparedCopy(task: Task, make: () => string): string {
  try {
    return make();
  } catch (error) {
    const e = error as { stderr?: string; message?: string };
    throw Object.assign(new Error(`preparing the workspace of ${task.id} on the host failed: ${(e.stderr || e.message || String(error)).trim().slice(-600)}`), { kind: 'prepare_failed' });
  }
}

const live = new Set<PreparedWorkspaces>();
process.once('exit', () => {
  for (const cache of live) cache.clear();
});

/**
 * Host copies of prepared workspaces, one per workspace source, shared by the sandboxes of one evaluation (the
 * wiring owns one and clears it when the evaluation ends), so a suite's files are read once per evaluation.
 */
export class PreparedWorkspaces {
  private readonly dirs = new Map<string, string>();

  dirFor(task: Task, key: string, make: () => string): string {
    let dir = this.dirs.get(key);
    if (!dir || !existsSync(dir)) {
      this.dirs.set(key, (dir = preparedCopy(task, make)));
      live.add(this);
    }
    return dir;
  }

  clear(): void {
    for (const dir of this.dirs.values()) rmSync(dir, { recursive: true, force: true });
    this.dirs.clear();
    live.delete(this);
  }
}

/** Copies the host folder `make` prepares into the workdir: from the cache, or made for this sandbox alone. */
async function copyPrepared(task: Task, sandbox: Sandbox, key: string, make: () => string, cache?: PreparedWorkspaces): Promise<void> {
  const dir = cache ? cache.dirFor(task, key, make) : preparedCopy(task, make);
  try {
    await sandbox.copyIn(dir, task.environment.workdir);
  } finally {
    if (!cache) rmSync(dir, { recursive: true, force: true });
  }
}

export async function prepareWorkspace(task: Task, sandbox: Sandbox, cache?: PreparedWorkspaces): Promise<void> {
  const workdir = task.environment.workdir;
  const ws = task.workspace;
  if (ws.kind === 'dir') {
    await copyPrepared(task, sandbox, `dir\0${ws.path}`, () => committedCopy(ws.path), cache);
  } else if (ws.kind === 'git') {
    await copyPrepared(task, sandbox, `git\0${ws.repo}\0${ws.baseCommit}`, () => cloneAtBase(ws.repo, ws.baseCommit), cache);
  } else {
    // The image holds the workspace. A folder that is already a repository (a git task) is left exactly as built.
    await run(sandbox, `mkdir -p '${workdir}' && cd '${workdir}' && if [ -d .git ]; then exit 0; fi\n${commitBaseScript()}`, `preparing ${task.id}`);
  }
}
