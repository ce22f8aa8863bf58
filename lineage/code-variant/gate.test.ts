// vitest project: e2e (runs whole agents or a whole typecheck: minutes, not seconds)
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type AgentRepo, EVOLVE_ROOT, ensureAgentRepo } from './agent-repo.js';
import { gateCodeVariant, INSTALLATION_STATE, typecheckState } from './gate.js';

const SURFACE = ['agent/policies/**', 'agent/prompts/**'];

// Real git repository, real typecheck, real vitest run inside the variant's worktree.
describe('code variant gates', () => {
  let root: string;
  let repo: AgentRepo;
  const promptFile = 'agent/prompts/terse/system.md';
  let prompt: string;
  const edit = (file: string, before: string | null, after: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'evolve-patch-'));
    execFileSync('git', ['init', '-q', dir]);
    execFileSync('mkdir', ['-p', join(dir, file, '..')]);
    if (before !== null) writeFileSync(join(dir, file), before);
    execFileSync('git', [
      '-C',
      dir,
      '-c',
      'user.name=t',
      '-c',
      'user.email=t@t',
      'commit',
      '-q',
      '--allow-empty',
      '-m',
      'base',
    ]);
    execFileSync('git', ['-C', dir, 'add', '-A']);
    execFileSync('git', [
      '-C',
      dir,
      '-c',
      'user.name=t',
      '-c',
      'user.email=t@t',
      'commit',
      '-q',
      '--allow-empty',
      '-m',
      'base files',
    ]);
    writeFileSync(join(dir, file), after);
    execFileSync('git', ['-C', dir, 'add', '-A']);
    return execFileSync('git', ['-C', dir, 'diff', '--cached'], { encoding: 'utf8' });
  };
  const branches = () =>
    execFileSync('git', ['-C', repo.dir, 'branch', '--format=%(refname:short)'], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .sort();

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'evolve-gate-'));
    repo = await ensureAgentRepo(root);
    prompt = readFileSync(join(repo.dir, promptFile), 'utf8');
  });

  it('rejects a patch outside the surface before touching the repository', async () => {
    const patch = edit('evaluator/gateway/budget.ts', 'a\n', 'b\n');
    const r = await gateCodeVariant({
      repo,
      workspaceRoot: root,
      parentBranch: 'exp-01',
      branch: 'exp-01-a',
      patch,
      surface: SURFACE,
      message: 'x',
    });
    expect(r).toMatchObject({ ok: false, stage: 'surface' });
    expect(!r.ok && r.reason).toMatch(/evaluator\/gateway\/budget\.ts/);
    expect(branches()).toEqual(['exp-01']);
  });

  it('rejects a patch that does not apply, and removes its branch', async () => {
    const patch = edit(promptFile, 'text that is not in the file\n', 'new text\n');
    const r = await gateCodeVariant({
      repo,
      workspaceRoot: root,
      parentBranch: 'exp-01',
      branch: 'exp-01-b',
      patch,
      surface: SURFACE,
      message: 'x',
    });
    expect(r).toMatchObject({ ok: false, stage: 'apply' });
    expect(branches()).toEqual(['exp-01']);
    expect(existsSync(join(root, 'worktrees', 'exp-01-b'))).toBe(false);
  });

  it("rejects a patch that breaks the agent's own tests", async () => {
    const test = "import { expect, it } from 'vitest';\nit('still holds', () => expect(1 + 1).toBe(3));\n";
    const patch = edit('agent/policies/guard.test.ts', null, test);
    const r = await gateCodeVariant({
      repo,
      workspaceRoot: root,
      parentBranch: 'exp-01',
      branch: 'exp-01-d',
      patch,
      surface: SURFACE,
      message: 'x',
      tests: ['agent/policies/'],
    });
    expect(r).toMatchObject({ ok: false, stage: 'tests' });
    expect(!r.ok && r.log).toMatch(/still holds/);
  }, 600_000);

  // After the gate above, tsc's incremental state is kept: this typecheck starts from it and must still catch the error.
  it('rejects a patch that breaks the typecheck, typechecking from the state the last gate left', async () => {
    expect(existsSync(typecheckState(repo))).toBe(true);
    expect(existsSync(INSTALLATION_STATE)).toBe(true); // a new workspace's first typecheck starts from this one
    const patch = edit('agent/policies/broken.ts', null, 'export const n: number = "not a number";\n');
    const r = await gateCodeVariant({
      repo,
      workspaceRoot: root,
      parentBranch: 'exp-01',
      branch: 'exp-01-c',
      patch,
      surface: SURFACE,
      message: 'x',
    });
    expect(r).toMatchObject({ ok: false, stage: 'typecheck' });
    expect(!r.ok && r.log).toMatch(/broken\.ts.*TS2322/s);
  }, 600_000);

  it("runs the variant's tests jailed: its reads of a key, the database, a hidden test and the Docker socket fail", async () => {
    const db = join(root, 'evolve.db');
    writeFileSync(db, 'DB-CONTENT');
    const hidden = join(root, 'suites', 'x', 'tests', 'test_hidden.py');
    execFileSync('mkdir', ['-p', join(hidden, '..')]);
    writeFileSync(hidden, 'HIDDEN-EXPECTED');
    const probe = [
      "import { readFileSync } from 'node:fs';",
      "import { connect } from 'node:net';",
      "import { expect, it } from 'vitest';",
      "const read = (p: string) => { try { return 'READ ' + readFileSync(p, 'utf8'); } catch (e) { return 'denied ' + (e as { code?: string }).code; } };",
      "it('probes', async () => {",
      "  const docker = await new Promise<string>((r) => { const s = connect('/var/run/docker.sock'); s.on('connect', () => (s.destroy(), r('CONNECTED'))); s.on('error', (e) => r('denied ' + (e as { code?: string }).code)); });",
      `  const seen = { key: process.env.EVOLVE_TEST_API_KEY ?? 'absent', db: read(${JSON.stringify(db)}), hidden: read(${JSON.stringify(hidden)}), docker, uid: process.getuid?.() };`,
      "  expect(JSON.stringify(seen)).toBe('report');",
      '});',
      '',
    ].join('\n');
    process.env.EVOLVE_TEST_API_KEY = 'sk-gate-must-not-see-0123456789';
    let r: Awaited<ReturnType<typeof gateCodeVariant>>;
    try {
      r = await gateCodeVariant({
        repo,
        workspaceRoot: root,
        parentBranch: 'exp-01',
        branch: 'exp-01-j',
        patch: edit('agent/policies/probe.test.ts', null, probe),
        surface: SURFACE,
        message: 'x',
        tests: ['agent/policies/probe.test.ts'],
      });
    } finally {
      delete process.env.EVOLVE_TEST_API_KEY;
    }
    expect(r).toMatchObject({ ok: false, stage: 'tests' });
    const log = r.ok ? '' : r.log.replace(/\\"/g, '"');
    expect(log).toMatch(/"key":"absent"/);
    expect(log).toMatch(/"db":"denied ENOENT"/);
    expect(log).toMatch(/"hidden":"denied ENOENT"/);
    expect(log).toMatch(/"docker":"denied ENOENT"/);
    expect(log).toMatch(/"uid":65534/);
  }, 900_000);

  it('accepts a prompt edit: a branch from the parent with one commit, evaluated from its worktree', async () => {
    const patch = edit(promptFile, prompt, `${prompt}\nAlways run the tests before you submit.\n`);
    const r = await gateCodeVariant({
      repo,
      workspaceRoot: root,
      parentBranch: 'exp-01',
      branch: 'exp-01-e',
      patch,
      surface: SURFACE,
      message: 'exp-01-e: ask for a test run',
      tests: ['agent/policies/registry.test.ts'],
    });
    expect(r.ok ? r : r.log).toMatchObject({ ok: true, branch: 'exp-01-e', files: [promptFile] });
    if (!r.ok) return;
    expect(readFileSync(join(r.worktree, promptFile), 'utf8')).toMatch(/Always run the tests/);
    expect(
      execFileSync('git', ['-C', repo.dir, 'rev-list', '--count', 'exp-01..exp-01-e'], { encoding: 'utf8' }).trim(),
    ).toBe('1');
    expect(branches()).toEqual(['exp-01', 'exp-01-e']);
  }, 600_000);
});

// tsc trusts its incremental state: a file whose hash matches the state and which has no diagnostics recorded there
// is not checked again. A variant that ships its own state at the gate's state path could mark a broken file as
// checked; the gate must use only state tsc itself wrote. A tiny agent source keeps the typechecks to seconds.
describe("code variant gate: tsc's incremental state in the variant's tree", () => {
  const STATE = '.evolve-typecheck.tsbuildinfo';
  const BROKEN = { 'agent/policies/broken.ts': 'export const n: number = "not a number";\n' };
  const SOURCE = {
    'tsconfig.json': JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, module: 'NodeNext', skipLibCheck: true, types: [] },
      include: ['agent'],
    }),
    'agent/policies/ok.ts': 'export const ok = 1;\n',
    'agent/policies/ok.test.ts': "import { expect, it } from 'vitest';\nit('holds', () => expect(1).toBe(1));\n",
  };
  const tree = (files: Record<string, string>, prefix = 'evolve-tree-') => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(join(dir, file, '..'), { recursive: true });
      writeFileSync(join(dir, file), text);
    }
    return dir;
  };

  /** The state tsc writes for the patched tree, with the broken file's errors deleted: it now reads as checked. */
  const craftedState = () => {
    // The tree as the gate's throwaway copy holds it, at the same depth under tmpdir (the state's paths are relative).
    const dir = tree({ ...SOURCE, ...BROKEN }, 'evolve-craft-');
    symlinkSync(realpathSync(join(EVOLVE_ROOT, 'node_modules')), join(dir, 'node_modules'), 'dir');
    const tsc = realpathSync(join(EVOLVE_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'));
    const args = [tsc, '--noEmit', '--incremental', '--tsBuildInfoFile', join(dir, STATE), '-p', dir];
    expect(spawnSync(process.execPath, args, { encoding: 'utf8' }).stdout).toMatch(/broken\.ts.*TS2322/);
    const state = JSON.parse(readFileSync(join(dir, STATE), 'utf8'));
    expect(state.semanticDiagnosticsPerFile).toBeDefined();
    delete state.semanticDiagnosticsPerFile;
    writeFileSync(join(dir, STATE), JSON.stringify(state));
    expect(spawnSync(process.execPath, args).status).toBe(0); // the crafted state fools tsc: the broken tree passes
    const text = readFileSync(join(dir, STATE), 'utf8');
    rmSync(dir, { recursive: true, force: true });
    return text;
  };

  it('drops a state file the patch adds, and the broken file it would have hidden fails the typecheck', async () => {
    const source = tree(SOURCE);
    execFileSync('git', ['init', '-q', source]);
    const root = mkdtempSync(join(tmpdir(), 'evolve-gate-'));
    const repo = await ensureAgentRepo(root, 'exp-01', source);
    const patchDir = tree({ ...BROKEN, [STATE]: craftedState() });
    execFileSync('git', ['init', '-q', patchDir]);
    execFileSync('git', ['-C', patchDir, 'add', '-A']);
    const patch = execFileSync('git', ['-C', patchDir, 'diff', '--cached'], { encoding: 'utf8' });
    // The crafted state could be trusted only where no state of tsc's own exists yet: a new repository (none in
    // its .git) and no installation state. This installation's state is set aside for the gate and put back.
    expect(existsSync(typecheckState(repo))).toBe(false);
    const aside = `${INSTALLATION_STATE}.aside-${process.pid}`;
    if (existsSync(INSTALLATION_STATE)) renameSync(INSTALLATION_STATE, aside);
    let r: Awaited<ReturnType<typeof gateCodeVariant>>;
    try {
      r = await gateCodeVariant({
        repo,
        workspaceRoot: root,
        parentBranch: 'exp-01',
        branch: 'exp-01-s',
        patch,
        surface: ['agent/policies/**', STATE],
        message: 'x',
        tests: ['agent/policies/ok.test.ts'],
      });
    } finally {
      // The tiny tree's state would only slow the next new workspace's first typecheck: the old one goes back.
      if (existsSync(aside)) renameSync(aside, INSTALLATION_STATE);
      else rmSync(INSTALLATION_STATE, { force: true });
    }
    expect(r.ok ? r : { ok: false, stage: r.stage }).toMatchObject({ ok: false, stage: 'typecheck' });
    expect(!r.ok && r.log).toMatch(/broken\.ts.*TS2322/s);
    for (const dir of [source, patchDir, root]) rmSync(dir, { recursive: true, force: true });
  }, 300_000);
});
