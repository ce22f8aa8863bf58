// vitest project: e2e (real process trees, killed at timeouts and on dispose)
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_SANDBOX_WARNING, LocalProvider, type LocalSandbox } from './local.js';

// The local provider keeps the Docker provider's semantics (minus isolation).

async function processesMatching(pattern: RegExp): Promise<number> {
  let n = 0;
  for (const p of (await readdir('/proc')).filter((d) => /^\d+$/.test(d))) {
    const cmd = await readFile(`/proc/${p}/cmdline`, 'utf8').catch(() => '');
    if (pattern.test(cmd.replace(/\0/g, ' '))) n++;
  }
  return n;
}

describe('local sandbox', () => {
  const warnings: string[] = [];
  const provider = new LocalProvider({ warn: (m) => warnings.push(m) });
  let box: LocalSandbox;

  beforeAll(async () => {
    box = await provider.create({ image: 'ignored', workdir: '/testbed' });
  });
  afterAll(async () => {
    await box?.dispose();
  });

  it('warns, once, that it isolates nothing', async () => {
    await (await provider.create({ image: 'x', workdir: '/w' })).dispose();
    expect(warnings).toEqual([LOCAL_SANDBOX_WARNING]);
    expect(LOCAL_SANDBOX_WARNING).toMatch(/isolates nothing/);
  });

  it('reports exit codes, output and stdin, in the workdir, without the host environment', async () => {
    process.env.EVOLVE_TEST_SECRET = 'sk-should-not-leak';
    const r = await box.exec('echo out; echo err >&2; pwd; echo "[$EVOLVE_TEST_SECRET]"; exit 3');
    delete process.env.EVOLVE_TEST_SECRET;
    expect(r.exitCode).toBe(3);
    expect(r.output).toContain(`${box.workdir}\n[]\n`);
    expect(r.output).toContain('err\n');
    expect((await box.exec('cat', { stdin: 'in' })).output).toBe('in');
  });

  it('kills a command that sleeps forever, and its children, at the timeout', async () => {
    const a = await box.exec('sleep infinity', { timeoutMs: 300 });
    expect(a).toMatchObject({ timedOut: true, exitCode: 124 });
    const b = await box.exec('(sleep 2001 &); setsid sleep 2002 & sleep 2003 & echo started; wait', { timeoutMs: 500 });
    expect(b.timedOut).toBe(true);
    expect(b.output).toContain('started');
    expect(b.durationMs).toBeLessThan(4000);
    expect(await processesMatching(/sleep 200[123]/)).toBe(0);
  });

  it('returns soon after the command exits even when a background child holds the output; dispose kills it', async () => {
    const bg = await provider.create({ image: 'x', workdir: '/w' });
    const r = await bg.exec('sleep 2004 & echo bg');
    expect(r).toMatchObject({ exitCode: 0, output: 'bg\n', timedOut: false });
    expect(r.durationMs).toBeLessThan(3500);
    expect(await processesMatching(/sleep 2004/)).toBe(1);
    await bg.dispose();
    expect(await processesMatching(/sleep 2004/)).toBe(0);
  });

  it('dispose kills what every command left running, those that left the process group too, in one pass', async () => {
    const bg = await provider.create({ image: 'x', workdir: '/w' });
    await bg.exec('setsid sleep 2005 </dev/null >/dev/null 2>&1 &');
    for (let i = 0; i < 20; i++) await bg.exec('true');
    await bg.exec('sleep 2006 </dev/null >/dev/null 2>&1 &');
    expect(await processesMatching(/sleep 200[56]/)).toBe(2);
    await bg.dispose();
    expect(await processesMatching(/sleep 200[56]/)).toBe(0);
  });

  it('cuts output past the cap with a marker', async () => {
    const r = await box.exec("head -c 3000000 /dev/zero | tr '\\0' a", { outputCapBytes: 500 });
    expect(r.truncated).toBe(true);
    expect(r.output).toMatch(/^a{500}\n\[\.\.\. output truncated: 2999500 more bytes/);
  });

  it('maps the declared workdir, round-trips files and copies directories', async () => {
    await box.writeFile('/testbed/d/e.txt', 'héllo');
    expect(await box.readFile('d/e.txt')).toBe('héllo');
    expect((await box.exec('cat d/e.txt')).output).toBe('héllo');
    const src = await mkdtemp(join(tmpdir(), 'evolve-lin-'));
    const dst = await mkdtemp(join(tmpdir(), 'evolve-lout-'));
    await mkdir(join(src, 'p/q'), { recursive: true });
    await writeFile(join(src, 'p/q/f.txt'), 'f');
    await box.copyIn(src, '/testbed/in');
    await box.exec('echo g > in/g.txt');
    await box.copyOut('/testbed/in', dst);
    expect(await readFile(join(dst, 'p/q/f.txt'), 'utf8')).toBe('f');
    expect(await readFile(join(dst, 'g.txt'), 'utf8')).toBe('g\n');
    await rm(src, { recursive: true });
    await rm(dst, { recursive: true });
  });

  it('diffs against refs/evolve/base with untracked files and agent commits, leaving the index alone', async () => {
    try {
      execFileSync('git', ['--version'], { stdio: 'ignore' });
    } catch {
      return; // no git on this machine: nothing to diff with
    }
    const repo = await provider.create({ image: 'x', workdir: '/repo' });
    try {
      const git = 'git -c user.name=t -c user.email=t@t';
      expect(
        (
          await repo.exec(
            `git init -q . && echo one > a.txt && git add -A && ${git} commit -qm base && git update-ref refs/evolve/base HEAD`,
          )
        ).exitCode,
      ).toBe(0);
      await repo.exec(`echo two >> a.txt && ${git} commit -qam agent && echo new > u.txt`);
      const before = (await repo.exec('git status --porcelain')).output;
      const diff = await repo.diff();
      expect(diff).toContain('+two');
      expect(diff).toContain('b/u.txt');
      expect((await repo.exec('git status --porcelain')).output).toBe(before);
    } finally {
      await repo.dispose();
    }
  });
});
