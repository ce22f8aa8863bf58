import { execFileSync, spawn } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { type AgentRepo, commitAll, ensureWorktree, EVOLVE_ROOT, removeWorktree } from './agent-repo.js';
import { jailedCommand, scrubbedEnv, UNPRIVILEGED } from '../../evaluator/agent-process/confine.js';
import { checkSurface, patchFlags } from './surface.js';

// The gates a code variant passes before any task runs: the patch stays inside the mutable surface, applies
// cleanly to the parent's branch, typechecks, and keeps the agent's own unit tests green. The first gate that
// fails rejects the variant; its branch and worktree are removed and the reason is returned for the record.

export type GateStage = 'surface' | 'flags' | 'apply' | 'typecheck' | 'tests';

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

/** git on the host (applying the patch): the plain command with none of evolve's environment. */
function run(cmd: string, args: string[], cwd: string, timeoutMs: number): Promise<Proc> {
  return spawnCapped(
    cmd,
    args,
    cwd,
    scrubbedEnv({ GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' }),
    timeoutMs,
  );
}

/**
 * The variant's own code (its typecheck plugins, its tests) runs jailed (evaluator/agent-process/confine.ts): a
 * throwaway copy of the worktree writable, the installed packages read-only, nothing else of the host, no
 * network, no key, as nobody. A test that rewrites its own files changes only the copy.
 */
async function runJailed(
  command: string[],
  worktree: string,
  timeoutMs: number,
  /** A file carried between runs: copied in from the first of `from` that exists, copied out to each of `to`. */
  carry?: { file: string; from: string[]; to: string[] },
): Promise<Proc> {
  const copy = mkdtempSync(join(tmpdir(), 'evolve-gate-copy-'));
  const packages = realpathSync(join(EVOLVE_ROOT, 'node_modules'));
  try {
    cpSync(worktree, copy, { recursive: true, filter: (src) => !/[/\\](node_modules|\.git)$/.test(src) });
    symlinkSync(packages, join(copy, 'node_modules'), 'dir');
    // The carried state is only ever tsc's own: a file of that name in the variant's tree is dropped, never trusted.
    if (carry) rmSync(join(copy, carry.file), { force: true });
    const seed = carry?.from.find((f) => existsSync(f));
    if (carry && seed) copyFileSync(seed, join(copy, carry.file));
    const jail = jailedCommand(
      command.map((a) => a.replaceAll(worktree, copy)),
      { readOnly: [packages], writable: [copy], cwd: copy },
    );
    if (jail.confined) execFileSync('chown', ['-R', '-h', `${UNPRIVILEGED.uid}:${UNPRIVILEGED.gid}`, copy]);
    const proc = await spawnCapped(jail.file, jail.args, copy, jail.env, timeoutMs);
    if (carry && existsSync(join(copy, carry.file)))
      for (const to of carry.to) {
        try {
          mkdirSync(dirname(to), { recursive: true });
          copyFileSync(join(copy, carry.file), `${to}.${process.pid}.tmp`);
          renameSync(`${to}.${process.pid}.tmp`, to);
        } catch {} // a read-only installation keeps no seed: only slower
      }
    return proc;
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

/**
 * tsc's incremental state, kept in the agent repository's .git between gates, and the last one also in the evolve
 * installation (.evolve-tmp/, git-ignored) to start a new workspace's first typecheck from: a variant differs from
 * the last tree typechecked in a few files, so tsc re-checks those and what depends on them. tsc compares every
 * file's hash with the state, so a state from any branch or repository is correct, only slower. Under load a full
 * typecheck of evolve took 113 s here, one after adding a file to a checked tree 28 s. Only tsc itself writes the
 * state (the variant's tests run in another copy).
 */
const TSBUILDINFO = '.evolve-typecheck.tsbuildinfo';
export const INSTALLATION_STATE = join(EVOLVE_ROOT, '.evolve-tmp', 'typecheck.tsbuildinfo');
export const typecheckState = (repo: AgentRepo) => join(repo.dir, '.git', 'evolve-typecheck.tsbuildinfo');

function spawnCapped(
  cmd: string,
  args: string[],
  cwd: string,
  env: Record<string, string>,
  timeoutMs: number,
): Promise<Proc> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env, detached: true });
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
  const flags = patchFlags(o.patch);
  if (flags.length) return { ok: false, stage: 'flags', reason: flags.join('; '), log: '' };
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
  const packages = realpathSync(join(EVOLVE_ROOT, 'node_modules'));
  const tsc = await runJailed(
    [
      process.execPath,
      join(packages, 'typescript', 'bin', 'tsc'),
      '--noEmit',
      '--incremental',
      '--tsBuildInfoFile',
      join(worktree, TSBUILDINFO),
      '-p',
      join(worktree, 'tsconfig.json'),
    ],
    worktree,
    timeout,
    {
      file: TSBUILDINFO,
      from: [typecheckState(o.repo), INSTALLATION_STATE],
      to: [typecheckState(o.repo), INSTALLATION_STATE],
    },
  );
  if (tsc.code !== 0) return reject('typecheck', 'the patched agent does not typecheck', tsc.output);
  const tests = await runJailed(
    // The runner config loader reads vitest.config.ts without writing a bundled copy into node_modules (read-only).
    [
      process.execPath,
      join(packages, 'vitest', 'vitest.mjs'),
      'run',
      '--configLoader',
      'runner',
      '--root',
      worktree,
      ...(o.tests ?? ['agent/']),
    ],
    worktree,
    timeout,
  );
  if (tests.code !== 0) return reject('tests', 'the patched agent fails its own unit tests', tests.output);
  return { ok: true, branch: o.branch, worktree, commit, files: surface.paths };
}
