// vitest project: e2e (runs whole agents or a whole typecheck: minutes, not seconds)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type AgentRepo, ensureAgentRepo } from './agent-repo.js';
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
