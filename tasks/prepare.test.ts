import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DockerProvider } from '../evaluator/sandbox/docker.js';
import { taskSandboxSpec } from '../evaluator/task-image.js';
import { describeDocker } from '../test/docker.js';
import { PreparedWorkspaces, prepareWorkspace } from './prepare.js';
import { Task } from './schema.js';
import { loadSuite } from './suite.js';

describe('PreparedWorkspaces', () => {
  const task = Task.parse({
    id: 'demo-1',
    suite: 't',
    kind: 'swebench',
    statement: 's',
    environment: { image: 'img:1' },
    workspace: { kind: 'image' },
    grader: { kind: 'swebench', testPatch: '', testCommand: 'true', failToPass: [], passToPass: [] },
  });

  it('makes each workspace once for every sandbox of an evaluation, concurrent ones included, and clear() removes the copies', async () => {
    const cache = new PreparedWorkspaces();
    let made = 0;
    const make = async () => (made++, mkdtempSync(join(tmpdir(), 'evolve-prep-cache-')));
    const [first, again] = await Promise.all([
      cache.dirFor(task, 'dir\0/some/path', make),
      cache.dirFor(task, 'dir\0/some/path', make),
    ]);
    expect(again).toBe(first);
    expect(await cache.dirFor(task, 'dir\0/some/path', make)).toBe(first);
    expect(made).toBe(1);
    await cache.clear();
    expect(existsSync(first)).toBe(false);
    expect(await cache.dirFor(task, 'dir\0/some/path', make)).not.toBe(first); // made again after a clear
    await cache.clear();
  });

  it('a preparation still running when the cache is cleared removes its folder when it ends', async () => {
    const cache = new PreparedWorkspaces();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const late = cache.dirFor(task, 'k', async () => (await gate, mkdtempSync(join(tmpdir(), 'evolve-prep-cache-'))));
    await cache.clear();
    release();
    expect(existsSync(await late)).toBe(false);
  });

  it('a failing preparation is a prepare_failed error naming the task, and the next sandbox tries again', async () => {
    const cache = new PreparedWorkspaces();
    await expect(
      cache.dirFor(task, 'k', async () => {
        throw Object.assign(new Error('x'), { stderr: 'fatal: not a git repository' });
      }),
    ).rejects.toThrow(/^preparing the workspace of demo-1 on the host failed: fatal: not a git repository$/);
    const dir = await cache.dirFor(task, 'k', async () => mkdtempSync(join(tmpdir(), 'evolve-prep-cache-')));
    expect(existsSync(dir)).toBe(true);
    await cache.clear();
  });
});

// Task folders are data: a repository in one may carry hooks, an fsmonitor and filters that would run as root on
// the host, with evolve's keys in their environment. Preparing it must run none of them.
describe('host preparation runs nothing from the task', () => {
  const hostile = (root: string, marker: string) => {
    const git = (...args: string[]) => execFileSync('git', ['-C', root, ...args], { env: { PATH: process.env.PATH } });
    git('init', '-q', '-b', 'main');
    writeFileSync(join(root, 'a.txt'), 'one\n');
    writeFileSync(join(root, '.gitattributes'), '* filter=evil\n');
    git('-c', 'user.name=t', '-c', 'user.email=t@t', 'add', '-A');
    git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'one');
    const hook = `#!/bin/sh\necho "$0 $(env | grep -c KEY)" >> ${marker}\ncat\n`;
    for (const name of ['pre-commit', 'post-commit', 'commit-msg', 'post-checkout', 'pre-auto-gc', 'fsmonitor']) {
      writeFileSync(join(root, '.git', 'hooks', name), hook, { mode: 0o755 });
    }
    git('config', 'core.fsmonitor', join(root, '.git', 'hooks', 'fsmonitor'));
    git('config', 'filter.evil.clean', join(root, '.git', 'hooks', 'fsmonitor'));
    git('config', 'filter.evil.smudge', join(root, '.git', 'hooks', 'fsmonitor'));
    writeFileSync(join(root, 'b.txt'), 'new file, so add and commit have work\n');
  };
  const sandboxSeeing = (seen: string[]) =>
    ({
      copyIn: async (dir: string) => {
        seen.push(execFileSync('git', ['-C', dir, 'config', '--list', '--local'], { encoding: 'utf8' }));
      },
    }) as never;

  it('a folder workspace whose .git has hooks, core.fsmonitor and a filter: none of them runs', async () => {
    const root = mkdtempSync(join(tmpdir(), 'evolve-hostile-'));
    const marker = join(mkdtempSync(join(tmpdir(), 'evolve-marker-')), 'ran');
    hostile(root, marker);
    const task = Task.parse({
      id: 'hostile-dir',
      suite: 't',
      kind: 'terminal-bench',
      statement: 's',
      environment: { image: 'img:1', workdir: '/app' },
      workspace: { kind: 'dir', path: root },
      grader: { kind: 'terminal-bench', testsDir: root, testScript: 'true', mode: 'pytest' },
    });
    const seen: string[] = [];
    process.env.EVOLVE_TEST_API_KEY = 'sk-hook-should-never-see-this-0123';
    try {
      await prepareWorkspace(task, sandboxSeeing(seen));
    } finally {
      delete process.env.EVOLVE_TEST_API_KEY;
    }
    expect(existsSync(marker)).toBe(false);
    // The copy keeps no trace of the task's config: nothing could run later in the sandbox's git either.
    expect(seen[0]).not.toMatch(/fsmonitor|filter\.evil/);
  });

  it('a git workspace cloned from a repository with hooks and core.fsmonitor: none of them runs', async () => {
    const root = mkdtempSync(join(tmpdir(), 'evolve-hostile-'));
    const marker = join(mkdtempSync(join(tmpdir(), 'evolve-marker-')), 'ran');
    hostile(root, marker);
    const base = execFileSync('git', ['-C', root, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    const task = Task.parse({
      id: 'hostile-git',
      suite: 't',
      kind: 'swebench',
      statement: 's',
      environment: { image: 'img:1' },
      workspace: { kind: 'git', repo: root, baseCommit: base },
      grader: { kind: 'swebench', testPatch: '', testCommand: 'true', failToPass: [], passToPass: [] },
    });
    await prepareWorkspace(task, sandboxSeeing([]));
    expect(existsSync(marker)).toBe(false);
  });
});

// Workspaces are made ready on the host once per process and copied in; what the agent finds must be what
// committing in the sandbox used to give: the same base sha, a clean tree it owns, and no way back to the future.
describeDocker('workspace preparation in Docker', () => {
  const provider = new DockerProvider();

  it('a folder workspace arrives committed as the base, with the sha an in-sandbox commit gives, owned by the agent', async () => {
    const task = loadSuite('builtin').tasks.find((t) => t.id === 'textkit__textkit-2')!;
    if (task.workspace.kind !== 'dir') throw new Error('expected a folder workspace');
    const box = await provider.create(taskSandboxSpec(task, { role: 'test' }));
    try {
      await prepareWorkspace(task, box);
      await box.copyIn(task.workspace.path, '/tmp/raw');
      const fixed = 'GIT_AUTHOR_DATE=2026-01-01T00:00:00Z GIT_COMMITTER_DATE=2026-01-01T00:00:00Z';
      const r = await box.exec(
        'git rev-parse HEAD refs/evolve/base; git status --porcelain | wc -l; git branch --show-current; stat -c %U . .git textkit/wrap.py',
      );
      const raw = await box.exec(
        `cd /tmp/raw && git init -q && git add -A && ${fixed} git -c user.name=evolve -c user.email=evolve@localhost commit -q -m base && git rev-parse HEAD`,
        { user: 'root' },
      );
      const [head, base, dirty, branch, u1, u2, u3] = r.output.trim().split('\n');
      const inSandbox = raw.output.trim();
      expect(head).toMatch(/^[0-9a-f]{40}$/);
      expect([base, dirty, branch, u1, u2, u3, inSandbox]).toEqual([
        head,
        '0',
        'main',
        'agent',
        'agent',
        'agent',
        head,
      ]);
    } finally {
      await box.dispose();
    }
  }, 120_000);

  it('a git workspace arrives at its base commit with no remote, tag, other branch or later object', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'evolve-prep-repo-'));
    const git = (...args: string[]) =>
      execFileSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@t', ...args], {
        encoding: 'utf8',
      }).trim();
    git('init', '-q', '-b', 'trunk');
    writeFileSync(join(repo, 'a.py'), 'A = 1\n');
    git('add', '-A');
    git('commit', '-qm', 'one');
    const first = git('rev-parse', 'HEAD');
    writeFileSync(join(repo, 'a.py'), 'A = 2  # the future fix\n');
    git('commit', '-qam', 'two');
    const second = git('rev-parse', 'HEAD');
    git('tag', 'v2');
    git('branch', 'later');
    const task = Task.parse({
      id: 'git-1',
      suite: 't',
      kind: 'swebench',
      statement: 's',
      environment: { image: 'evolve/python-env', workdir: '/testbed' },
      workspace: { kind: 'git', repo, baseCommit: first },
      grader: { kind: 'swebench', testPatch: '', testCommand: 'true', failToPass: [], passToPass: [] },
    });
    const box = await provider.create(taskSandboxSpec(task, { role: 'test' }));
    try {
      await prepareWorkspace(task, box);
      const r = await box.exec(
        `git rev-parse HEAD refs/evolve/base; git for-each-ref --format='%(refname)' | sort | tr '\\n' ' '; echo; git remote | wc -l; cat a.py; git cat-file -e ${second} 2>/dev/null && echo has-future || echo no-future`,
      );
      expect(r.output.trim().split('\n')).toEqual([
        first,
        first,
        'refs/evolve/base refs/heads/main ',
        '0',
        'A = 1',
        'no-future',
      ]);
      const missing = Task.parse({
        ...task,
        id: 'git-2',
        workspace: { kind: 'git', repo, baseCommit: 'f'.repeat(40) },
      });
      await expect(prepareWorkspace(missing, box)).rejects.toMatchObject({
        kind: 'prepare_failed',
        message: expect.stringMatching(/^preparing the workspace of git-2 on the host failed: .*f{40}/),
      });
    } finally {
      await box.dispose();
    }
  }, 120_000);
});
