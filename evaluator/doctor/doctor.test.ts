import Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { describeDocker } from '../../test/docker.js';
import { runDoctor } from './index.js';
import { runningDockerdPid } from './engine.js';

describe('doctor', () => {
  it('fails the engine check with a fix when Docker is unreachable, and never prints a key', async () => {
    const docker = new Docker({ socketPath: '/nonexistent/docker.sock' });
    const report = await runDoctor({ docker, env: { ANTHROPIC_API_KEY: 'sk-ant-secret-value' } });
    expect(report.ok).toBe(false);
    const engine = report.checks.find((c) => c.name === 'docker engine');
    expect(engine).toMatchObject({ ok: false });
    expect(engine?.fix).toMatch(/apt-get install -y docker.io/);
    expect(report.checks.find((c) => c.name === 'base image')?.ok).toBe(false);
    expect(report.checks.find((c) => c.name === 'ANTHROPIC_API_KEY')).toMatchObject({ ok: true, detail: 'set' });
    expect(report.checks.find((c) => c.name === 'OPENAI_API_KEY')?.detail).toMatch(/^not set/);
    expect(JSON.stringify(report)).not.toContain('sk-ant-secret-value');
  });

  it('with --fix on a machine it cannot repair, says why and prints the exact steps instead of trying', async () => {
    const docker = new Docker({ socketPath: '/nonexistent/docker.sock' });
    const report = await runDoctor({
      docker,
      fix: true,
      env: {},
      canFix: () => ({ ok: false, why: 'not a Debian-like system (no /etc/debian_version)' }),
    });
    const engine = report.checks.find((c) => c.name === 'docker engine');
    expect(engine).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/--fix cannot repair it here \(not a Debian-like system/),
    });
    expect(engine?.fixed).toBeUndefined();
    expect(engine?.fix).toMatch(/apt-get install -y docker\.io/);
    expect(engine?.fix).toMatch(/systemctl enable --now docker/);
    expect(engine?.fix).toMatch(/Docker Desktop/);
    expect(engine?.fix).toMatch(/--sandbox local/);
  });

  it('reads no live dockerd from a missing pid file', () => {
    expect(runningDockerdPid('/nonexistent/docker.pid')).toBeUndefined();
  });
});

describeDocker('doctor (Docker)', () => {
  it('passes the engine and base image checks on a ready machine', async () => {
    const report = await runDoctor({ env: {} });
    expect(report.checks.find((c) => c.name === 'docker engine')?.detail).toMatch(/^Docker \d+/);
    expect(report.checks.find((c) => c.name === 'base image')?.ok).toBe(true);
  });
});
