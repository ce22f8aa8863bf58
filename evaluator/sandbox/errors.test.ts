import Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { DockerProvider } from './docker.js';
import { fromDockerError, SandboxError } from './errors.js';
import { CappedOutput } from './output.js';

describe('sandbox errors', () => {
  it('maps engine faults to kinds with a hint', () => {
    expect(
      fromDockerError(Object.assign(new Error('connect ENOENT /var/run/docker.sock'), { code: 'ENOENT' }), 'x'),
    ).toMatchObject({ kind: 'engine_unavailable', hint: expect.stringMatching(/doctor --fix/) });
    expect(
      fromDockerError(
        Object.assign(new Error('write /var/lib/docker/x: no space left on device'), { statusCode: 500 }),
        'x',
      ),
    ).toMatchObject({ kind: 'disk_full', hint: expect.stringMatching(/prune/) });
    expect(
      fromDockerError(Object.assign(new Error('No such image: evolve/x:1'), { statusCode: 404 }), 'x'),
    ).toMatchObject({ kind: 'image_missing' });
    expect(fromDockerError(Object.assign(new Error('No such container: abc'), { statusCode: 404 }), 'x')).toMatchObject(
      { kind: 'container_gone' },
    );
    const e = fromDockerError(new Error('boom'), 'doing y');
    expect(e).toBeInstanceOf(SandboxError);
    expect(e.name).toBe('SandboxError');
    expect(e.message).toMatch(/while doing y: boom/);
  });

  it('reports an unreachable engine from create as engine_unavailable', async () => {
    const provider = new DockerProvider({ docker: new Docker({ socketPath: '/nonexistent/docker.sock' }) });
    await expect(provider.create({ image: 'evolve/x:1', workdir: '/w' })).rejects.toMatchObject({
      name: 'SandboxError',
      kind: 'engine_unavailable',
    });
  });

  it('caps output without keeping what is past the cap', () => {
    const out = new CappedOutput(10);
    out.push(Buffer.from('0123456'));
    out.push(Buffer.from('789abcdef'));
    expect(out.truncated).toBe(true);
    expect(out.text()).toBe('0123456789\n[... output truncated: 6 more bytes not kept ...]\n');
  });
});
