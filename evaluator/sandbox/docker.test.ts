import { spawnSync } from 'node:child_process';
import { lookup } from 'node:dns/promises';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeDocker } from '../../test/docker.js';
import { ensureImage } from '../images/build.js';
import { pruneImages } from '../images/manage.js';
import { pythonEnvRecipe } from '../images/python-env.js';
import { imageTag } from '../images/recipe.js';
import { DockerProvider, type DockerSandbox, OWNER_LABEL } from './docker.js';
import { SandboxError } from './errors.js';
import type { SandboxSpec } from './types.js';
import { reapLeftovers } from './reaper.js';

// Against the real engine. One shared container for the cheap checks; the limit tests get their own.

const docker = new Docker();
const provider = new DockerProvider({ docker });
let image: string;
let box: DockerSandbox;

/** Processes in the container whose command line matches the regex (write it so it does not match itself). */
async function processesMatching(sandbox: DockerSandbox, needle: string): Promise<number> {
  const r = await sandbox.exec(
    `for f in /proc/[0-9]*/cmdline; do tr '\\0' ' ' < "$f" 2>/dev/null; echo; done | grep -c -- "$N" || true`,
    { user: 'root', env: { N: needle } },
  );
  return Number(r.output.trim());
}

/** Pids of the channel's loop (bash running the loop script; docker-init's own command line also holds it). */
const LOOP_PIDS = `for p in /proc/[0-9]*; do tr '\\0\\n' '  ' 2>/dev/null < $p/cmdline | grep -q '^bash -c .*[w]hile IFS' && echo \${p#/proc/}; done`;

/** Prints what started the command: the channel's loop in the main process, or an engine exec. */
const PARENT = `{ tr '\\0' ' ' < /proc/$PPID/cmdline | grep -q '[w]hile IFS' && echo loop || echo engine; }`;

/** Dispose kills; the engine removes the container right after (AutoRemove). Images it used are free once it is gone. */
async function waitRemoved(sandbox: DockerSandbox): Promise<void> {
  for (let i = 0; i < 50; i++) {
    if (
      await sandbox.container.inspect().then(
        () => false,
        () => true,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A sandbox for `use`, disposed and gone from the engine afterwards. */
async function withSandbox(spec: SandboxSpec, use: (box: DockerSandbox) => Promise<void>): Promise<void> {
  const box = await provider.create(spec);
  try {
    await use(box);
  } finally {
    await box.dispose();
    await waitRemoved(box);
  }
}

/** An image of the Python environment plus Dockerfile `steps`, removed once `use` is done with it. */
async function withTestImage(name: string, steps: string, use: (image: string) => Promise<void>): Promise<void> {
  const label = `docker-test-${name}-${process.pid}`;
  const tag = await ensureImage(
    { name: `test-${name}`, dockerfile: `ARG PARENT_IMAGE\nFROM $PARENT_IMAGE\n${steps}\n`, parent: pythonEnvRecipe() },
    { docker, labels: { 'evolve.test': label } },
  );
  try {
    await use(tag);
  } finally {
    await pruneImages({ docker, label: `evolve.test=${label}` });
  }
}

describeDocker('Docker sandbox', () => {
  beforeAll(async () => {
    image = await ensureImage(pythonEnvRecipe(), { docker });
    box = await provider.create({ image, workdir: '/testbed', labels: { run: 'docker-test' } });
  });
  afterAll(async () => {
    await box?.dispose();
  });

  it('runs as the non-root user with labels, and reports exit codes and output', async () => {
    expect(box.user).toBe('agent');
    const r = await box.exec('echo out; echo err >&2; pwd; whoami; exit 3');
    expect(r).toMatchObject({ exitCode: 3, timedOut: false, truncated: false });
    expect(r.output).toContain('/testbed\nagent\n');
    expect(r.output.split('\n').sort()).toEqual(['', '/testbed', 'agent', 'err', 'out']); // both streams, as they arrived
    expect((await box.exec('true')).exitCode).toBe(0);
    expect((await box.exec('cat', { stdin: 'from stdin' })).output).toBe('from stdin');
    const info = await box.container.inspect();
    expect(info.Config.Labels).toMatchObject({
      'evolve.run': 'docker-test',
      [OWNER_LABEL]: `${process.pid}@${hostname()}`,
    });
    expect(info.HostConfig.NetworkMode).toBe('none');
  });

  it('kills a command that sleeps forever at its timeout', async () => {
    const r = await box.exec('sleep infinity', { timeoutMs: 500 });
    expect(r.timedOut).toBe(true);
    expect(r.exitCode).toBe(124);
    expect(r.durationMs).toBeLessThan(4000);
  });

  it('kills the children too, even one that left the process group', async () => {
    const r = await box.exec('(sleep 1001 &); setsid sleep 1002 & sleep 1003 & echo started; wait', { timeoutMs: 800 });
    expect(r.timedOut).toBe(true);
    expect(r.output).toContain('started');
    expect(await processesMatching(box, 'slee[p] 100')).toBe(0);
  });

  it('cuts output past the cap with a marker', async () => {
    const r = await box.exec("head -c 5000000 /dev/zero | tr '\\0' a", { outputCapBytes: 1000 });
    expect(r.truncated).toBe(true);
    expect(r.output.startsWith('a'.repeat(1000))).toBe(true);
    expect(r.output).toMatch(/output truncated: 4999000 more bytes/);
    expect(r.output.length).toBeLessThan(1200);
  });

  it('writes and reads files, creating folders, owned by the sandbox user', async () => {
    await box.writeFile('deep/er/ünï.txt', 'héllo\nwörld');
    expect(await box.readFile('/testbed/deep/er/ünï.txt')).toBe('héllo\nwörld');
    expect((await box.exec('stat -c %U deep/er/ünï.txt')).output.trim()).toBe('agent');
    await expect(box.readFile('missing.txt')).rejects.toThrow(/no such file/);
  });

  it('moves files through the main process: large files whole, a failed extraction and a directory read named as such', async () => {
    const big = Array.from({ length: 60_000 }, (_, i) => `line ${i} ${'x'.repeat(i % 80)}`).join('\n'); // about 3 MB
    await box.writeFile('big/file.txt', big);
    expect(await box.readFile('big/file.txt')).toBe(big);
    expect((await box.exec('wc -c < big/file.txt')).output.trim()).toBe(String(Buffer.byteLength(big)));
    await box.writeFile('big/empty.txt', '');
    expect(await box.readFile('big/empty.txt')).toBe('');
    await expect(box.readFile('big')).rejects.toMatchObject({ code: 'EISDIR' });
    await box.exec('mkdir -p clash/file.txt && touch clash/file.txt/keep');
    await expect(box.writeFile('clash/file.txt', 'x')).rejects.toMatchObject({
      name: 'SandboxError',
      kind: 'io',
      message: expect.stringMatching(/copying into the sandbox failed \(tar exit 2\): .*file\.txt/),
    });
    // The channel is still in step after a failure: the next request gets its own answer.
    await box.writeFile('after.txt', 'after');
    expect(await box.readFile('after.txt')).toBe('after');
    // The loop is root's; the agent's user cannot signal it.
    const kill = await box.exec(`pid=$(${LOOP_PIDS} | head -1); kill "$pid" 2>/dev/null; echo "$pid $?"`);
    expect(kill.output.trim()).toMatch(/^\d+ 1$/);
    expect(await box.readFile('after.txt')).toBe('after');
  });

  it('runs commands through the main process as the user, with its home, environment and working directory, and nothing of the channel', async () => {
    // The command's shell is a child of the loop, not of an engine exec.
    await box.exec('mkdir -p deep');
    const r = await box.exec(`${PARENT}; id; echo "$HOME|$X"; pwd; ls /proc/$$/fd | tr '\\n' ' '`, {
      cwd: 'deep',
      env: { X: "it's a b" },
    });
    expect(r.output).toBe(
      `loop\nuid=1000(agent) gid=1000(agent) groups=1000(agent)\n/home/agent|it's a b\n/testbed/deep\n0 1 2 `,
    );
    // No capability survives the switch to the user, and none can be regained.
    const caps = await box.exec("grep -E '^(CapPrm|CapEff|CapAmb|NoNewPrivs)' /proc/self/status | tr -s '\\t' ' '");
    expect(caps.output).toBe(
      'CapPrm: 0000000000000000\nCapEff: 0000000000000000\nCapAmb: 0000000000000000\nNoNewPrivs: 1\n',
    );
    const root = await box.exec('id -u; echo $HOME', { user: 'root' });
    expect(root.output).toBe('0\n/root\n');
    const missing = await box.exec('pwd', { cwd: '/nowhere' });
    expect(missing.exitCode).toBe(126);
    expect(missing.output).toMatch(/nowhere: No such file/);
  });

  it('gives a command whose background child holds its output 2 s, keeps what it printed, and leaves the child running', async () => {
    const r = await box.exec('sleep 60 & echo "$!" > /tmp/held.pid; echo printed');
    expect(r).toMatchObject({ exitCode: 0, output: 'printed\n', timedOut: false });
    expect(r.durationMs).toBeGreaterThanOrEqual(1900);
    expect(r.durationMs).toBeLessThan(5000);
    expect((await box.exec('kill -0 "$(cat /tmp/held.pid)" && echo alive; kill "$(cat /tmp/held.pid)"')).output).toBe(
      'alive\n',
    );
    const quick = await box.exec('sleep 60 >/dev/null 2>&1 & echo "$!" > /tmp/quiet.pid; echo served');
    expect(quick.durationMs).toBeLessThan(1500); // a server started with its output elsewhere costs no wait
    await box.exec('kill "$(cat /tmp/quiet.pid)"');
  });

  it('serves a second command and file reads through the engine while one runs in the main process', async () => {
    await box.writeFile('concurrent.txt', 'c');
    // Started in the same tick: exactly one gets the loop.
    const [slow, fast, read] = await Promise.all([
      box.exec(`sleep 1; ${PARENT}`),
      box.exec(PARENT),
      box.readFile('concurrent.txt'),
    ]);
    expect([slow.output, fast.output, read]).toEqual(['loop\n', 'engine\n', 'c']);
    expect((await box.exec(PARENT)).output).toBe('loop\n'); // and has it back afterwards
  });

  it("takes no reply that lacks its token, even from root writing to the loop's output", async () => {
    await box.writeFile('genuine.txt', 'genuine');
    const forged = Buffer.from('forged').toString('base64');
    const w = await box.exec(
      `pid=$(${LOOP_PIDS} | head -1); for i in $(seq 1 400); do printf '%s 0 %s\\n' "$i" ${forged}; done > /proc/$pid/fd/1; echo $?`,
      { user: 'root' },
    );
    expect(w.output.trim()).toBe('0');
    expect(await box.readFile('genuine.txt')).toBe('genuine');
    expect((await box.exec('echo real')).output).toBe('real\n');
  });

  it('reads a path ending in spaces as itself, a file over 64 MiB and a long script through the engine', async () => {
    await box.writeFile('sp  ', 'with spaces');
    await box.writeFile('sp', 'without');
    expect(await box.readFile('sp  ')).toBe('with spaces');
    await box.exec('head -c 70000000 /dev/zero | tr "\\0" a > huge.txt');
    expect((await box.readFile('huge.txt')).length).toBe(70_000_000);
    await box.exec('rm huge.txt');
    const quotes = "'".repeat(40_000); // 4 bytes each once quoted: past the loop's argv bound, not the engine's
    const long = await box.exec(`printf %s "${quotes}" | wc -c; ${PARENT}`);
    expect(long.output).toBe('40000\nengine\n');
  });

  it('leaves the main process aside when it does not answer after a timeout, and carries on through the engine', async () => {
    const stuck = await provider.create({ image, workdir: '/w' });
    try {
      // `env -i` drops the marker the host's killer looks for; the loop kills the command's process group anyway.
      const killed = await stuck.exec('exec env -i sleep 1000', { timeoutMs: 300 });
      expect(killed).toMatchObject({ timedOut: true, exitCode: 124 });
      expect((await stuck.exec(`${PARENT}; echo through-loop`)).output).toBe('loop\nthrough-loop\n');
      // A loop that never answers (here stopped by a root command, then the command outlives its timeout).
      const stop = 'kill -STOP "$(cut -d" " -f4 /proc/$PPID/stat)"; exec env -i sleep 1000';
      const r = await stuck.exec(stop, { user: 'root', timeoutMs: 300 });
      expect(r).toMatchObject({ timedOut: true, exitCode: 124 });
      const after = await stuck.exec(`${PARENT}; echo through-engine`);
      expect(after.output).toBe('engine\nthrough-engine\n');
      await stuck.writeFile('f.txt', 'still writes');
      expect(await stuck.readFile('f.txt')).toBe('still writes');
    } finally {
      await stuck.dispose();
    }
  }, 30_000);

  it("falls back to the archive API in an image that lacks the loop's tools", async () => {
    await withTestImage('no-base64', 'RUN rm /usr/bin/base64', (bare) =>
      withSandbox({ image: bare, workdir: '/testbed' }, async (plain) => {
        await plain.writeFile('a/b.txt', 'through putArchive');
        expect(await plain.readFile('a/b.txt')).toBe('through putArchive');
        expect((await plain.exec(`stat -c %U a/b.txt; ${LOOP_PIDS} | wc -l`)).output).toBe('agent\n0\n');
      }),
    );
  });

  it('moves files through the main process but runs commands through the engine in an image without setpriv (and a last passwd line without its newline)', async () => {
    // Its /etc/passwd also ends without a newline after the agent's line, which must still be found.
    await withTestImage(
      'no-setpriv',
      'RUN rm /usr/bin/setpriv && truncate -s -1 /etc/passwd && tail -c 20 /etc/passwd | grep -q "/bin/bash$"',
      (noSetpriv) =>
        withSandbox({ image: noSetpriv, workdir: '/testbed' }, async (half) => {
          await half.writeFile('a.txt', 'through the loop');
          expect(await half.readFile('a.txt')).toBe('through the loop');
          const r = await half.exec(`${PARENT}; ${LOOP_PIDS} | wc -l; id -un`);
          expect(r.output).toBe('engine\n1\nagent\n');
        }),
    );
  });

  it('creates a missing workdir owned by the user, and folders under it on upload; a user the image lacks means root', async () => {
    const fresh = await provider.create({ image, workdir: '/work/space' });
    const ghost = await provider.create({ image, workdir: '/work/space', user: 'ghost' });
    try {
      await fresh.writeFile('x/y/z.txt', 'z');
      const r = await fresh.exec(
        'stat -c %U /work /work/space /work/space/x /work/space/x/y /work/space/x/y/z.txt; ls -A /work/space',
      );
      expect(r.output).toBe('root\nagent\nagent\nagent\nagent\nx\n');
      expect(ghost.user).toBe('root');
      expect((await ghost.exec('id -u; pwd; echo $HOME')).output).toBe('0\n/work/space\n/root\n');
    } finally {
      await fresh.dispose();
      await ghost.dispose();
    }
  });

  it('gives a workdir built into the image to the sandbox user', async () => {
    // Every container gives the workdir away in its main process as it starts: nothing is asked of the engine first.
    await withTestImage('app', 'RUN mkdir -p /app/sub && echo x > /app/sub/f', (withApp) =>
      withSandbox({ image: withApp, workdir: '/app' }, (app) =>
        withSandbox({ image: withApp, workdir: '/app' }, async (again) => {
          const r = await app.exec('echo y > g && stat -c %U /app /app/sub/f g');
          expect(r.output).toBe('agent\nagent\nagent\n');
          expect((await again.container.inspect()).Args.slice(-2)).toEqual(['agent', '/app']);
          expect((await again.exec('stat -c %U /app /app/sub/f')).output).toBe('agent\nagent\n');
        }),
      ),
    );
  });

  it('copies a directory in and out', async () => {
    const src = await mkdtemp(join(tmpdir(), 'evolve-in-'));
    const dst = await mkdtemp(join(tmpdir(), 'evolve-out-'));
    await mkdir(join(src, 'pkg/sub'), { recursive: true });
    await writeFile(join(src, 'pkg/sub/a.py'), 'print(1)\n');
    await writeFile(join(src, 'top.txt'), 'top');
    await box.copyIn(src, '/testbed/copied');
    expect((await box.exec('cat copied/pkg/sub/a.py copied/top.txt && echo x > copied/new.txt')).output).toBe(
      'print(1)\ntop',
    );
    await box.copyOut('/testbed/copied', dst);
    expect(await readFile(join(dst, 'pkg/sub/a.py'), 'utf8')).toBe('print(1)\n');
    expect(await readFile(join(dst, 'new.txt'), 'utf8')).toBe('x\n');
    await rm(src, { recursive: true });
    await rm(dst, { recursive: true });
  });

  it('diffs against refs/evolve/base: edits, untracked and binary files, and agent commits; the index is untouched', async () => {
    const repo = await provider.create({ image, workdir: '/repo' });
    try {
      const setup = await repo.exec(
        'git init -q . && printf "one\\n" > a.txt && git add -A && git commit -qm base && git update-ref refs/evolve/base HEAD',
      );
      expect(setup.exitCode).toBe(0);
      await repo.exec(
        'printf "one\\ntwo\\n" > a.txt && git commit -qam "agent commit" && printf "new\\n" > untracked.txt && printf "\\000\\001\\002" > blob.bin && printf "staged\\n" > s.txt && git add s.txt',
      );
      const before = (await repo.exec('git status --porcelain')).output;
      const diff = await repo.diff();
      expect(diff).toContain('+two');
      expect(diff).toContain('diff --git a/untracked.txt b/untracked.txt');
      expect(diff).toContain('GIT binary patch');
      expect(diff).toContain('+staged');
      expect((await repo.exec('git status --porcelain')).output).toBe(before);
      expect(before).toContain('?? untracked.txt');
    } finally {
      await repo.dispose();
    }
  });

  it('reports a memory limit hit as oom_killed', async () => {
    const small = await provider.create({ image, workdir: '/w', limits: { memoryMb: 64 } });
    try {
      const err = await small
        .exec('python3 -c "x = bytearray(512 * 1024 * 1024); print(len(x))"')
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SandboxError);
      expect((err as SandboxError).kind).toBe('oom_killed');
      expect((err as SandboxError).hint).toBeTruthy();
    } finally {
      await small.dispose();
    }
  });

  it('contains a fork bomb with the pids limit: the command times out, the host stays responsive, dispose clears it', async () => {
    // Whether the sandbox can run another command while a bomb holds every pid depends on the killer finding a free
    // pid (on a quiet machine it often cannot; the run then ends as an infra error). What must hold is containment.
    const bombed = await provider.create({ image, workdir: '/w', limits: { pids: 64 } });
    try {
      const r = await bombed.exec('bomb() { bomb | bomb & }; bomb; sleep 600', { timeoutMs: 2000 });
      expect(r.timedOut).toBe(true);
      const stats = (await docker.getContainer(bombed.id).stats({ stream: false })) as {
        pids_stats?: { current?: number };
      };
      expect(stats.pids_stats?.current ?? 0).toBeLessThanOrEqual(64);
      const started = Date.now();
      expect(spawnSync('true').status).toBe(0);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await bombed.dispose();
    }
    // Removal is the engine's (AutoRemove) once the container stops: give it a moment, as a pid-starved one is slow.
    const gone = async () => (await docker.listContainers({ all: true, filters: { id: [bombed.id] } })).length === 0;
    for (let i = 0; i < 50 && !(await gone()); i++) await new Promise((r) => setTimeout(r, 200));
    expect(await gone()).toBe(true);
  });

  it("kills a fork bomb's whole process group at its timeout: none of it is left, and the next command runs", async () => {
    // The host's killer (an engine exec) needs a free pid, which the bomb leaves none of: the channel loop kills the
    // command's process group itself, with no process to start.
    const bombed = await provider.create({ image, workdir: '/w', limits: { pids: 64 } });
    try {
      const t0 = Date.now();
      const r = await bombed.exec('bomb() { bomb | bomb & }; bomb; sleep 600', { timeoutMs: 2000 });
      expect(r).toMatchObject({ timedOut: true, exitCode: 124 });
      expect(Date.now() - t0).toBeLessThan(15_000);
      const after = await bombed.exec('n=0; for p in /proc/[0-9]*; do n=$((n + 1)); done; echo "alive $n"', {
        timeoutMs: 30_000,
      });
      expect(after.exitCode, after.output).toBe(0);
      // init, the channel loop, the output reader and this command's own shell and wrapper: no bomb left.
      expect(Number(/alive (\d+)/.exec(after.output)?.[1])).toBeLessThanOrEqual(8);
      const stats = (await docker.getContainer(bombed.id).stats({ stream: false })) as {
        pids_stats?: { current?: number };
      };
      expect(stats.pids_stats?.current ?? 0).toBeLessThanOrEqual(8);
    } finally {
      await bombed.dispose();
    }
  });

  it('has no network unless asked: a connect fails', async () => {
    const ip = await lookup('deb.debian.org', { family: 4 }).then(
      (a) => a.address,
      () => '1.1.1.1',
    );
    const r = await box.exec(`timeout 5 bash -c 'echo > /dev/tcp/${ip}/80' && echo connected`);
    expect(r.exitCode).not.toBe(0);
    expect(r.output).not.toContain('connected');
    expect((await box.exec('cat /proc/net/dev')).output).not.toMatch(/eth0/);
  });

  it('reaps containers whose owner process is gone, and keeps live ones', async () => {
    const dead = await docker.createContainer({
      Image: image,
      Cmd: ['sleep', 'infinity'],
      Labels: { [OWNER_LABEL]: `999999999@${hostname()}`, 'evolve.sandbox': '1' },
    });
    const snapshot = await dead.commit({ changes: 'LABEL evolve.snapshot=1' });
    const report = await reapLeftovers({ docker });
    expect(report.containers).toContain(dead.id);
    expect(report.images).toContain(snapshot.Id); // a dead run's frozen sandbox goes too
    await expect(docker.getImage(snapshot.Id).inspect()).rejects.toMatchObject({ statusCode: 404 });
    await expect(dead.inspect()).rejects.toMatchObject({ statusCode: 404 });
    expect((await box.container.inspect()).State.Running).toBe(true);
  });

  it('leaves no container behind after dispose, ended from inside when idle and through the engine while a command runs', async () => {
    const once = await provider.create({ image, workdir: '/w' });
    await once.dispose();
    // Ended from inside, it has stopped by the time dispose returns.
    expect(
      await once.container.inspect().then(
        (i) => i.State.Running,
        () => false,
      ),
    ).toBe(false);
    const busy = await provider.create({ image, workdir: '/w' });
    const running = busy.exec('sleep 30').catch((error: unknown) => error);
    await new Promise((r) => setTimeout(r, 200));
    const t = Date.now();
    await busy.dispose();
    expect(await running).toMatchObject({ kind: 'container_gone' });
    expect(Date.now() - t).toBeLessThan(5000);
    await waitRemoved(busy);
    await expect(busy.container.inspect()).rejects.toMatchObject({ statusCode: 404 });
    await once.dispose(); // idempotent
    await waitRemoved(once);
    await expect(once.container.inspect()).rejects.toMatchObject({ statusCode: 404 });
  });

  it('builds a recipe image again when it was removed after a sandbox used it', async () => {
    const recipe = {
      name: 'test-removed',
      dockerfile: `ARG PARENT_IMAGE\nFROM $PARENT_IMAGE\nRUN echo ${process.pid} > /removed-test\n`,
      parent: pythonEnvRecipe(),
    };
    const tag = imageTag(recipe);
    const own = new DockerProvider({ docker });
    try {
      const first = await own.create({ image: recipe, workdir: '/w' });
      await first.dispose();
      await waitRemoved(first);
      await docker.getImage(tag).remove({ force: true });
      const again = await own.create({ image: recipe, workdir: '/w' }); // known to this provider, gone from the engine
      expect((await again.exec('cat /removed-test')).output).toBe(`${process.pid}\n`);
      await again.dispose();
      await waitRemoved(again);
    } finally {
      await docker
        .getImage(tag)
        .remove({ force: true })
        .catch(() => undefined);
    }
  });

  it('maps a missing image to image_missing', async () => {
    await expect(provider.create({ image: 'evolve/does-not-exist:nope', workdir: '/w' })).rejects.toMatchObject({
      kind: 'image_missing',
    });
  });
});
