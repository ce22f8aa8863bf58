import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, expect, it } from 'vitest';
import { BASE_IMAGE, describeDocker } from '../test/docker.js';
import { prepareWorkspace } from '../tasks/prepare.js';
import { loadSuite } from '../tasks/suite.js';
import { BaseChooser } from './images/base-choice.js';
import { DockerProvider } from './sandbox/docker.js';
import type { RunResult } from './store.js';
import { taskSandboxSpec } from './task-image.js';
import { validateTasks } from './validate.js';
import { wireRuns } from './wiring.js';

// The published-layout fixtures (tasks/fixtures/published) run for real: each reproduces one convention of the
// Terminal-Bench v1 or Harbor harness, and the oracle must resolve it while the null solver must not.

const FIXTURES = join(import.meta.dirname, '..', 'tasks', 'fixtures', 'published');

describeDocker('published Terminal-Bench and Harbor layouts in Docker', () => {
  const suite = loadSuite(FIXTURES);
  const task = (id: string) => suite.tasks.find((t) => t.id === id)!;
  const tags: string[] = [];
  afterAll(() => {
    for (const tag of tags) execFileSync('docker', ['rmi', tag], { stdio: 'ignore' });
  });

  it('the oracle resolves each convention and the null solver does not; a verifier that writes no reward is an infrastructure error with its log kept', async () => {
    const wiring = await wireRuns({
      sandbox: 'docker',
      runsDir: mkdtempSync(join(tmpdir(), 'evolve-published-')),
      images: { pull: 'never' },
    });
    const runs = new Map<string, RunResult>();
    const results = await validateTasks(suite.tasks, wiring.runOne, {
      concurrency: 2,
      onRun: (t, job, result) => runs.set(`${t.id}/${job.actor.kind === 'solver' ? job.actor.solver : ''}`, result),
    }).finally(() => wiring.dispose?.());
    const verdicts = Object.fromEntries(results.map((r) => [r.taskId, `${r.oracle}/${r.null}`]));
    expect(verdicts).toEqual({
      'harbor-no-reward': 'error/error',
      'harbor-solution-dir': 'resolved/unresolved',
      'tb-root-only': 'resolved/unresolved',
      'tb-test-dir-setup': 'resolved/unresolved',
      'tb-unreadable-files': 'resolved/unresolved',
    });
    const noReward = runs.get('harbor-no-reward/oracle')!;
    expect(noReward.outcome).toBeNull();
    expect(noReward.infraError).toMatchObject({ kind: 'no_test_output' });
    expect(noReward.infraError?.message).toMatch(/wrote no reward/);
    expect((noReward.report as { verifier_log: string }).verifier_log).toContain('installing the test runner');
    // reward.json (1.0) wins over the reward.txt (0) the same verifier wrote.
    expect(runs.get('harbor-solution-dir/oracle')?.report).toMatchObject({
      reward: 1,
      rewards: { reward: 1, tests: 1 },
    });
    // Each graded run records who the agent was and how its base image was had.
    expect((runs.get('tb-unreadable-files/oracle')?.report as { environment: unknown }).environment).toEqual({
      agent_user: 'root',
      base_image: { from: 'python:3.12.7-slim-bookworm', used: 'stand-in', stand_in: 'python', pattern: 'python:3*' },
    });
    expect((runs.get('tb-root-only/null')?.report as { environment: unknown }).environment).toMatchObject({
      base_image: { from: 'ubuntu:24.04', stand_in: 'ubuntu' },
    });
  }, 1_800_000);

  it('an unprivileged agent (a suite setting) gets its workspace prepared though it cannot read every file', async () => {
    const unprivileged = loadSuite('tb', { suites: { tb: { path: FIXTURES, agentUser: 'agent' } } }).tasks.find(
      (t) => t.id === 'tb-unreadable-files',
    )!;
    const box = await new DockerProvider().create(taskSandboxSpec(unprivileged, { role: 'test' }));
    try {
      await prepareWorkspace(unprivileged, box);
      const r = await box.exec(
        'whoami; cat vault/key.txt >/dev/null 2>&1 && echo readable || echo unreadable; git status --porcelain | wc -l; echo x > mine.txt && git add mine.txt && git commit -qm mine && echo committed',
      );
      expect(r.output.trim().split('\n')).toEqual(['agent', 'unreadable', '0', 'committed']);
      expect(await box.diff()).toContain('mine.txt');
    } finally {
      await box.dispose();
    }
  }, 600_000);

  it('a base image that is here is used as it is; one that cannot be pulled gets its stand-in, and the pull error is kept', async () => {
    const here = `python:3.99-evolve-test-${process.pid}`;
    execFileSync('docker', ['tag', BASE_IMAGE, here]);
    tags.push(here);
    const chooser = new BaseChooser({ bases: {}, pull: 'auto' }, new Docker());
    expect(await chooser.choose(here)).toEqual({ from: here, used: 'present' });
    const missing = await chooser.choose(`python:3.98-evolve-missing-${process.pid}`);
    expect(missing).toMatchObject({ used: 'stand-in', mapping: { recipe: 'python' } });
    expect(missing.pullError).toBeTruthy();
    const unmapped = await chooser.choose(`evolve-unmapped-${process.pid}:1`);
    expect(unmapped.used).toBe('as-named');
    expect(task('tb-test-dir-setup').environment.dockerfile).toMatch(/^FROM ghcr\.io\/laude-institute/m);
  }, 300_000);
});
