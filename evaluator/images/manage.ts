import Docker from 'dockerode';
import { fromDockerError } from '../sandbox/errors.js';
import { BASE_IMAGE } from './base.js';
import { HASH_LABEL, RECIPE_LABEL } from './recipe.js';

// What `evolve images list|prune` shows and removes: images evolve built from recipes (labelled), plus the base.

export interface ImageInfo {
  tag: string;
  id: string;
  recipe: string;
  sizeMb: number;
  created: string;
}

export async function listImages(options: { docker?: Docker } = {}): Promise<ImageInfo[]> {
  const docker = options.docker ?? new Docker();
  try {
    const images = await docker.listImages({ filters: { reference: ['evolve/*'] } });
    return images
      .flatMap((img) =>
        (img.RepoTags ?? []).map((tag) => ({
          tag,
          id: img.Id.replace(/^sha256:/, '').slice(0, 12),
          recipe: img.Labels?.[RECIPE_LABEL] ?? (tag === BASE_IMAGE ? '(base)' : ''),
          sizeMb: Math.round(img.Size / 1e6),
          created: new Date(img.Created * 1000).toISOString(),
        })),
      )
      .sort((a, b) => a.tag.localeCompare(b.tag));
  } catch (error) {
    throw fromDockerError(error, 'listing images');
  }
}

export interface PruneOptions {
  docker?: Docker;
  /** Only images with this label (`key=value`); default: every recipe image evolve built. The base is kept. */
  label?: string;
}

/** Removes recipe images no container uses; returns the removed tags. */
export async function pruneImages(options: PruneOptions = {}): Promise<string[]> {
  const docker = options.docker ?? new Docker();
  const removed: string[] = [];
  try {
    const images = await docker.listImages({ filters: { label: [options.label ?? HASH_LABEL] } });
    // Children first, so a parent is no longer referenced by the time its turn comes.
    images.sort((a, b) => b.Created - a.Created);
    for (const img of images) {
      for (const tag of img.RepoTags ?? [img.Id]) {
        if (tag === BASE_IMAGE || tag === '<none>:<none>') continue;
        await docker
          .getImage(tag)
          .remove()
          .then(() => removed.push(tag))
          .catch((e: { statusCode?: number }) => {
            if (e.statusCode !== 409 && e.statusCode !== 404) throw e; // 409: in use by a container, keep it
          });
      }
    }
  } catch (error) {
    throw fromDockerError(error, 'pruning images');
  }
  return removed;
}
