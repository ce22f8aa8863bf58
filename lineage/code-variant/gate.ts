import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { type AgentRepo, commitAll, ensureWorktree, EVOLVE_ROOT, removeWorktree } from './agent-repo.js';
import { checkSurface } from './surface.js';

// The gates a code variant passes before any task runs: the patch stays inside the mutable surface, applies
// cleanly to the parent's branch, typechecks, and keeps the agent's own unit tests green. The first gate that
// fails rejects the variant; its branch and worktree are removed and the reason is returned for the record.

export type GateStage = 'surface' | 'apply' | 'typecheck' | 'tests';

export type GateResult =
  | { ok: true; branch: string; worktree: string; commit: string; files: string[] }
  | { ok: false; stage: GateStage; reason: string; log: string };

export interface GateOptions {
  repo: AgentRepo;
  workspaceRoot: string;
  parentBranch: string;
  branch: string;
  patch: string;
  surface: string[];
  message: string;
  /** Test files or folders (relative to the worktree) that must stay green; default the agent's tests. */
  tests?: string[];
  timeoutMs?: number;
}

interface Proc {
  code: number | null;
  output: string;
}

function run(cmd: string, args: string[], cwd: string, timeoutMs: number): Promise<Proc> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      cwd,
      env: { ...process.env, CI: '1', NO_COLOR: '1', FORCE_COLOR: '0' },
      detached: true,
    });
    let output = '';
    const keep = (d: Buffer) => {
      output = (output + d.toString()).slice(-20_000); // the tail is what explains a failure
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {}
      output += `\n(killed after ${timeoutMs} ms)`;
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

const tail = (text: string, lines = 40) => text.trim().split('\n').slice(-lines).join('\n');

export async function gateCodeVariant(o: GateOptions): Promise<GateResult> {
  const surface = checkSurface(o.patch, o.surface);
  if (!surface.ok) {
    const reason =
      surface.paths.length === 0
        ? 'the patch changes no file'
        : `the patch touches files outside the mutable surface (${o.surface.join(', ')}): ${surface.outside.join(', ')}`;
    return { ok: false, stage: 'surface', reason, log: '' };
  }
  await o.repo.git.raw(['branch', '-f', o.branch, o.parentBranch]);
  const worktree = await ensureWorktree(o.repo, o.workspaceRoot, o.branch);
  const reject = async (stage: GateStage, reason: string, log: string): Promise<GateResult> => {
    await removeWorktree(o.repo, worktree);
    await o.repo.git.raw(['branch', '-D', o.branch]);
    return { ok: false, stage, reason, log: tail(log) };
  };
  const patchFile = join(tmpdir(), `evolve-${o.branch}-${process.pid}.patch`);
  writeFileSync(patchFile, o.patch.endsWith('\n') ? o.patch : `${o.patch}\n`);
  const timeout = o.timeoutMs ?? 300_000;
  const applied = await run('git', ['apply', '--whitespace=nowarn', patchFile], worktree, 60_000);
  if (applied.code !== 0) return reject('apply', 'the patch does not apply to the parent branch', applied.output);
  const commit = await commitAll((await import('simple-git')).simpleGit({ baseDir: worktree }), o.message);
  const tsc = await run(
    process.execPath,
    [join(EVOLVE_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', join(worktree, 'tsconfig.json')],
    worktree,
    timeout,
  );
  if (tsc.code !== 0) return reject('typecheck', 'the patched agent does not typecheck', tsc.output);
  const tests = await run(
    process.execPath,
    [join(EVOLVE_ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--root', worktree, ...(o.tests ?? ['agent/'])],
    worktree,
    timeout,
  );
  if (tests.code !== 0) return reject('tests', 'the patched agent fails its own unit tests', tests.output);
  return { ok: true, branch: o.branch, worktree, commit, files: surface.paths };
}
