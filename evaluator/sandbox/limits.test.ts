import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import Docker from 'dockerode';
import { afterAll, describe, expect, it } from 'vitest';
import { BASE_IMAGE, describeDocker } from '../../test/docker.js';
import { ensureImage, needsNetwork } from '../images/build.js';
import { pruneImages } from '../images/manage.js';
import { DEFAULT_LIMITS, DockerProvider, diskQuotaSupported } from './docker.js';
import { defaultCpus } from './limits.js';

// Limits that protect the host: a sandbox's CPUs stay below the host's cores, image builds are bounded and offline
// unless they fetch packages, and the writable layer is sized where the storage driver can do it.

describe('default limits', () => {
  it('leave a core to the host: 1 of 2, 0.5 of 1, at most 2', () => {
    expect([defaultCpus(1), defaultCpus(2), defaultCpus(3), defaultCpus(16)]).toEqual([0.5, 1, 2, 2]);
    expect(DEFAULT_LIMITS.cpus).toBeLessThan(availableParallelism());
  });

  it('a build has the network only when a RUN fetches something or ADD names a URL', () => {
    expect(needsNetwork('FROM x\nRUN apt-get update && \\\n  apt-get install -y python3\n')).toBe(true);
    expect(needsNetwork('FROM x\nRUN pip install requests==2.31\n')).toBe(true);
    expect(needsNetwork('FROM x\nADD https://example.com/a.tgz /a.tgz\n')).toBe(true);
    expect(needsNetwork('FROM x\nCOPY . /app\nRUN chmod +x /app/run.sh && mkdir -p /app/out\n')).toBe(false);
    expect(needsNetwork('FROM x\nWORKDIR /app\n# apt-get is only mentioned here\n')).toBe(false);
  });
});

describeDocker('limits in Docker', () => {
  const docker = new Docker();
  const owner = `limits-test-${process.pid}`;
  afterAll(async () => {
    await pruneImages({ docker, label: `evolve.test=${owner}` });
  });

  it('an image build runs with a memory and CPU bound and, when it fetches nothing, no network', async () => {
    const nonce = randomBytes(6).toString('hex');
    // cgroup v2 (memory.max, cpu.max "quota period") or v1 (memory/memory.limit_in_bytes, cpu/cpu.cfs_quota_us).
    const c = '/sys/fs/cgroup';
    const probe = `{ cat ${c}/memory.max 2>/dev/null || cat ${c}/memory/memory.limit_in_bytes; cat ${c}/cpu.max 2>/dev/null || echo "$(cat ${c}/cpu/cpu.cfs_quota_us) $(cat ${c}/cpu/cpu.cfs_period_us)"; } > /limits; ls /sys/class/net > /nets`;
    const offline = await ensureImage(
      { name: 'test-limits', dockerfile: `FROM ${BASE_IMAGE}\nRUN echo ${nonce} && ${probe}\n` },
      { docker, labels: { 'evolve.test': owner } },
    );
    const read = (tag: string) =>
      execFileSync('docker', ['run', '--rm', '--network', 'none', tag, 'cat', '/limits', '/nets'], {
        encoding: 'utf8',
      });
    const [memory, cpu, ...nets] = read(offline).trim().split('\n');
    expect(Number(memory)).toBe(4096 * 1024 * 1024);
    expect(cpu).toBe(`${Math.round(defaultCpus() * 100_000)} 100000`);
    expect(nets).toEqual(['lo']);
    const fetching = await ensureImage(
      { name: 'test-limits', dockerfile: `FROM ${BASE_IMAGE}\nRUN echo ${nonce} curl-free && ${probe} # wget\n` },
      { docker, labels: { 'evolve.test': owner } },
    );
    expect(read(fetching).trim().split('\n').slice(2)).toContain('eth0');
  });

  it('a sandbox gets fewer CPUs than the host has, and a disk size only where the storage driver bounds it', async () => {
    const provider = new DockerProvider({ docker });
    const box = await provider.create({ image: BASE_IMAGE, workdir: '/work', user: 'root', labels: { test: owner } });
    try {
      const info = await docker.getContainer(box.id).inspect();
      expect(info.HostConfig.NanoCpus! / 1e9).toBeLessThan(availableParallelism());
      const quota = await diskQuotaSupported(docker);
      expect(info.HostConfig.StorageOpt ?? {}).toEqual(quota ? { size: `${DEFAULT_LIMITS.diskMb}M` } : {});
    } finally {
      await box.dispose();
    }
  });
});
