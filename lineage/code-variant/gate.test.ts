import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type AgentRepo, ensureAgentRepo } from './agent-repo.js';
import { gateCodeVariant } from './gate.js';
import { checkSurface, globToRegExp, patchedPaths } from './surface.js';

const SURFACE = ['agent/policies/**', 'agent/prompts/**'];

describe('mutable surface', () => {
  it('matches ** across folders and * within one', () => {
    expect(globToRegExp('agent/policies/**').test('agent/policies/tools/editor.ts')).toBe(true);
    expect(globToRegExp('agent/policies/**').test('agent/loop.ts')).toBe(false);
    expect(globToRegExp('agent/*.md').test('agent/prompts/x.md')).toBe(false);
    expect(globToRegExp('**/*.md').test('agent/prompts/x.md')).toBe(true);
  });

  it('reads every path of a patch, renames included, and rejects any outside the surface', () => {
    const patch = [
      'diff --git a/agent/policies/x.ts b/evaluator/x.ts',
      'rename from agent/policies/x.ts',
      'rename to evaluator/x.ts',
    ].join('\n');
    expect(patchedPaths(patch)).toEqual(['agent/policies/x.ts', 'evaluator/x.ts']);
    expect(checkSurface(patch, SURFACE)).toMatchObject({ ok: false, outside: ['evaluator/x.ts'] });
    expect(
      checkSurface('--- a/agent/policies/../../tasks/grader.ts\n+++ b/agent/policies/../../tasks/grader.ts\n', SURFACE)
        .ok,
    ).toBe(false);
    expect(checkSurface('', SURFACE).ok).toBe(false);
  });
});

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

  it('rejects a patch that breaks the typecheck', async () => {
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
  });

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
  });
});
