import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { simpleGit, type SimpleGit } from 'simple-git';

// The workspace's agent repository: a git repo holding evolve's source, where each code variant is a branch
// created from its parent's branch and evaluated from a worktree. Suite data and benchmarks are left out; the
// evolve installation's node_modules is linked in so a worktree can typecheck and run the agent's tests.

export const EVOLVE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const LEAVE_OUT = [/^tasks\/suites\//, /^bench\//];

export interface AgentRepo {
  dir: string;
  git: SimpleGit;
}

const IDENTITY = ['-c', 'user.name=evolve', '-c', 'user.email=evolve@localhost', '-c', 'commit.gpgsign=false'];

/** Creates the repository on first use, with the root experiment's branch holding the current source. */
export async function ensureAgentRepo(
  workspaceRoot: string,
  rootBranch = 'exp-01',
  source = EVOLVE_ROOT,
): Promise<AgentRepo> {
  const dir = join(workspaceRoot, 'agent-repo');
  if (existsSync(join(dir, '.git'))) return { dir, git: simpleGit({ baseDir: dir }) };
  mkdirSync(dir, { recursive: true });
  // Tracked and new (not ignored) files: the source as it stands, so a file added but not yet committed is not
  // missing from the copy while the files importing it are there (the typecheck gate would fail on it).
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: source,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  })
    .split('\0')
    .filter((f) => f && !LEAVE_OUT.some((r) => r.test(f)));
  for (const f of files) {
    if (!existsSync(join(source, f))) continue;
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    cpSync(join(source, f), join(dir, f));
  }
  const repo = simpleGit({ baseDir: dir });
  await repo.init(['--initial-branch', rootBranch]);
  await repo.raw([...IDENTITY, 'add', '-A']);
  await repo.raw([...IDENTITY, 'commit', '-q', '-m', `${rootBranch}: evolve source at the root of the lineage`]);
  return { dir, git: repo };
}

/** A worktree of `branch` at worktrees/<branch>, with node_modules linked from the evolve installation. */
export async function ensureWorktree(repo: AgentRepo, workspaceRoot: string, branch: string): Promise<string> {
  const dir = join(workspaceRoot, 'worktrees', branch);
  if (!existsSync(dir)) {
    mkdirSync(dirname(dir), { recursive: true });
    await repo.git.raw(['worktree', 'add', '-f', dir, branch]);
  }
  const modules = join(dir, 'node_modules');
  if (!existsSync(modules)) symlinkSync(join(EVOLVE_ROOT, 'node_modules'), modules, 'dir');
  return dir;
}

export async function removeWorktree(repo: AgentRepo, dir: string): Promise<void> {
  if (existsSync(dir)) await repo.git.raw(['worktree', 'remove', '--force', dir]);
  await repo.git.raw(['worktree', 'prune']);
}

export async function commitAll(git: SimpleGit, message: string): Promise<string> {
  await git.raw([...IDENTITY, 'add', '-A']);
  await git.raw([...IDENTITY, 'commit', '-q', '--allow-empty', '-m', message]);
  return (await git.revparse(['HEAD'])).trim();
}
