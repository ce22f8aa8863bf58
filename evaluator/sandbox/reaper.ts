import { hostname } from 'node:os';
import Docker from 'dockerode';
import { OWNER_LABEL, ownerTag, SNAPSHOT_LABEL } from './docker.js';
import { fromDockerError } from './errors.js';

// Removes containers, volumes and sandbox snapshots (DockerSandbox.freeze) that evolve created for a process that no longer exists (a crashed or killed
// evaluator). Owners on other hosts are left alone: from here we cannot tell whether they are alive.

export interface ReapOptions {
  docker?: Docker;
  /** Only leftovers of this workspace (label evolve.workspace). */
  workspace?: string;
  /** This process's own containers too (an interrupted command clearing up before it exits). */
  own?: boolean;
}

export interface ReapReport {
  containers: string[];
  volumes: string[];
  /** Snapshot images a dead run froze its agent sandbox into (they keep the container's labels). */
  images: string[];
}

export function ownerIsGone(owner: string | undefined, host = hostname()): boolean {
  const m = /^(\d+)@(.+)$/.exec(owner ?? '');
  if (!m || m[2] !== host) return false;
  try {
    process.kill(Number(m[1]), 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

export async function reapLeftovers(options: ReapOptions = {}): Promise<ReapReport> {
  const docker = options.docker ?? new Docker();
  const labels = [OWNER_LABEL, ...(options.workspace ? [`evolve.workspace=${options.workspace}`] : [])];
  const report: ReapReport = { containers: [], volumes: [], images: [] };
  const reapable = (owner: string | undefined) => ownerIsGone(owner) || (options.own === true && owner === ownerTag());
  try {
    const containers = await docker.listContainers({ all: true, filters: { label: labels } });
    for (const c of containers) {
      if (!reapable(c.Labels[OWNER_LABEL])) continue;
      await docker
        .getContainer(c.Id)
        .remove({ force: true, v: true })
        .then(() => report.containers.push(c.Id))
        .catch((e: { statusCode?: number }) => {
          if (e.statusCode !== 404 && e.statusCode !== 409) throw e;
        });
    }
    const { Volumes } = await docker.listVolumes({ filters: { label: labels } });
    for (const v of Volumes ?? []) {
      if (!reapable(v.Labels?.[OWNER_LABEL])) continue;
      await docker
        .getVolume(v.Name)
        .remove()
        .then(() => report.volumes.push(v.Name))
        .catch(() => undefined); // still in use by a live container: leave it
    }
    const images = await docker.listImages({ filters: { label: [...labels, SNAPSHOT_LABEL] } });
    for (const i of images) {
      if (!reapable(i.Labels?.[OWNER_LABEL])) continue;
      await docker
        .getImage(i.Id)
        .remove({ force: true })
        .then(() => report.images.push(i.Id))
        .catch(() => undefined); // a live container still runs from it: leave it
    }
  } catch (error) {
    throw fromDockerError(error, 'reaping leftover containers');
  }
  return report;
}
