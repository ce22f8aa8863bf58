import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sandbox } from '../evaluator/sandbox/types.js';
import type { Task } from './schema.js';

// Puts a task's workspace in place, as the SWE-bench harness does: the repository at base_commit with no remote and
// nothing after it (so the future fix cannot be read), then a ref marking the base so the final diff is only the
// agent's. Runs the same way for the agent's sandbox and the grader's.

const BASE_REF = 'refs/evolve/base';
const FIXED_DATE = '2026-01-01T00:00:00Z';

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

/** A host clone of `repo` at `baseCommit` with remotes, other branches, tags and unreachable objects gone. */
function cloneAtBase(repo: string, baseCommit: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'evolve-repo-'));
  const git = (...args: string[]) => execFileSync('git', ['-C', dir, ...args], { stdio: 'pipe' });
  execFileSync('git', ['clone', '-q', '--no-hardlinks', repo, dir], { stdio: 'pipe' });
  git('checkout', '-q', '-B', 'main', baseCommit);
  for (const ref of execFileSync('git', ['-C', dir, 'for-each-ref', '--format=%(refname)'], { encoding: 'utf8' }).split('\n').filter(Boolean)) {
    if (ref !== 'refs/heads/main') git('update-ref', '-d', ref);
  }
  for (const remote of execFileSync('git', ['-C', dir, 'remote'], { encoding: 'utf8' }).split('\n').filter(Boolean)) git('remote', 'remove', remote);
  git('reflog', 'expire', '--expire=now', '--all');
  git('gc', '-q', '--prune=now');
  return dir;
}

export async function prepareWorkspace(task: Task, sandbox: Sandbox): Promise<void> {
  const workdir = task.environment.workdir;
  const ws = task.workspace;
  if (ws.kind === 'dir') {
    await sandbox.copyIn(ws.path, workdir);
    await run(sandbox, `cd '${workdir}' && ${commitBaseScript()}`, `preparing ${task.id}`);
  } else if (ws.kind === 'git') {
    const dir = cloneAtBase(ws.repo, ws.baseCommit);
    try {
      await sandbox.copyIn(dir, workdir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    await run(sandbox, `cd '${workdir}' && git update-ref ${BASE_REF} HEAD`, `preparing ${task.id}`);
  } else {
    // The image holds the workspace. A folder that is already a repository (a git task) is left exactly as built.
    await run(sandbox, `mkdir -p '${workdir}' && cd '${workdir}' && if [ -d .git ]; then exit 0; fi\n${commitBaseScript()}`, `preparing ${task.id}`);
  }
}
