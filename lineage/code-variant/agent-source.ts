import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { simpleGit } from 'simple-git';
import type { AgentCode } from '../../evaluator/job.js';
import type { Db } from '../db/open.js';
import { ensureAgentRepo, ensureWorktree } from './agent-repo.js';
import { findExperiment } from '../db/repos/experiments.js';

// Which agent an experiment runs: a code variant is its code. The one place that answers it, for every run of an
// experiment's agent (eval, next-generation as champion or parent, held-out confirmation, evidence rounds, self-repair,
// agent run, replays): the nearest code branch among the experiment and its ancestors (a config child of a code
// variant runs its parent's code), checked out in a worktree of the workspace's agent repository; none: this
// installation's agent. The evaluator gets the answer as data (a folder and a commit) and decides how to run it.

export class AgentSourceError extends Error {
  override readonly name = 'AgentSourceError';
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

/**
 * The code variant branch an experiment runs (its own or its nearest ancestor's); null: the installed agent. The
 * root's branch is the agent repository's copy of this installation, so the root's code is the installed agent.
 */
export async function variantBranchOf(db: Db, experimentId: string): Promise<string | null> {
  let cur: string | null = experimentId;
  while (cur) {
    const row = await findExperiment(db, cur);
    if (!row || row.parent_id === null) break;
    if (row.branch) return row.branch;
    // A code change with no branch never passed its gates: running its ancestor's code under its name would be a lie.
    if ((JSON.parse(row.change) as { kind?: string }).kind === 'code')
      throw new AgentSourceError(
        `${cur} is a code variant that has not passed its gates (no branch holds its code), so it cannot run`,
        `Its folder (experiments/${cur}) says why; a variant rejected or interrupted before its gates is never evaluated.`,
      );
    cur = row.parent_id;
  }
  return null;
}

/** The agent source of `experimentId`: undefined for the installed agent, else its variant's worktree and commit. */
export async function agentSourceOf(
  ws: { db: Db; paths: { root: string } },
  experimentId: string,
): Promise<AgentCode | undefined> {
  const branch = await variantBranchOf(ws.db, experimentId);
  if (!branch) return undefined;
  if (!existsSync(join(ws.paths.root, 'agent-repo', '.git')))
    throw new AgentSourceError(
      `${experimentId} runs the code of branch ${branch}, but this workspace has no agent repository`,
      'Code variants live in <workspace>/agent-repo; restore it from a backup, or evaluate an experiment without code changes.',
    );
  const repo = await ensureAgentRepo(ws.paths.root);
  const known = (await repo.git.raw(['branch', '--list', branch])).trim();
  if (!known)
    throw new AgentSourceError(
      `${experimentId} runs the code of branch ${branch}, which the agent repository does not have`,
      `Check \`git -C ${repo.dir} branch\`; the branch is made when the variant passes its gates.`,
    );
  const dir = await ensureWorktree(repo, ws.paths.root, branch);
  const commit = (await repo.git.revparse([branch])).trim();
  const head = (await simpleGit({ baseDir: dir }).revparse(['HEAD'])).trim();
  if (head !== commit)
    throw new AgentSourceError(
      `the worktree ${dir} is at ${head.slice(0, 12)}, not at branch ${branch} (${commit.slice(0, 12)})`,
      `Remove the worktree (git -C ${repo.dir} worktree remove --force ${dir}) and run again; it is recreated from the branch.`,
    );
  return { dir, commit };
}
