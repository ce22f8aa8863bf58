import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Task } from '../tasks/schema.js';
import { pythonEnvRecipe } from './images/python-env.js';
import type { ImageRecipe, SandboxSpec } from './sandbox/types.js';

// How a task's environment becomes an image. Base images that cannot be pulled here map to local recipes (the
// documented table below; extend it for your own tasks); a task Dockerfile then builds on that recipe, with its
// build context taken from the task folder minus hidden tests and solutions.

export const LOCAL_BASES: Array<{ pattern: RegExp; recipe: () => ImageRecipe; why: string }> = [
  {
    pattern: /^evolve\/python-env(:.*)?$/,
    recipe: pythonEnvRecipe,
    why: 'the built-in suite names the python environment by this alias',
  },
  {
    pattern: /^ghcr\.io\/laude-institute\/t-bench\/python-3-1\d/,
    recipe: pythonEnvRecipe,
    why: 'Terminal-Bench python base images',
  },
  {
    pattern: /^python:3(\.\d+)?(-slim)?(-bookworm)?$/,
    recipe: pythonEnvRecipe,
    why: 'official python images: Debian bookworm with python3',
  },
];

function localBase(image: string): ImageRecipe | undefined {
  return LOCAL_BASES.find((b) => b.pattern.test(image))?.recipe();
}

function contextFiles(dir: string, exclude: string[]): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      const rel = relative(dir, path);
      if (exclude.some((x) => rel === x || rel.startsWith(`${x}/`))) continue;
      if (statSync(path).isDirectory()) walk(path);
      else files[rel] = readFileSync(path);
    }
  };
  walk(dir);
  return files;
}

/** The task's image: an existing tag, or a recipe built (once) through the image cache. */
export function taskImage(task: Task): string | ImageRecipe {
  const env = task.environment;
  if (!env.dockerfile) {
    if (!env.image)
      throw Object.assign(new Error(`task ${task.id} names neither an image nor a Dockerfile`), {
        kind: 'image_missing',
      });
    return localBase(env.image) ?? env.image;
  }
  const from = /^\s*FROM\s+(\S+)/im.exec(env.dockerfile)?.[1];
  const parent = from ? localBase(from) : undefined;
  const dockerfile = parent
    ? env.dockerfile.replace(/^\s*FROM\s+\S+.*$/im, 'ARG PARENT_IMAGE\nFROM $PARENT_IMAGE')
    : env.dockerfile;
  const files: Record<string, string | Uint8Array> = {
    ...(env.contextDir ? contextFiles(env.contextDir, [...(env.contextExclude ?? []), 'Dockerfile']) : {}),
    ...env.files,
  };
  return { name: `task-${task.id}`, dockerfile, files, ...(parent ? { parent } : {}) };
}

export function taskSandboxSpec(task: Task, labels: Record<string, string>): SandboxSpec {
  return {
    image: taskImage(task),
    workdir: task.environment.workdir,
    network: task.environment.network,
    user: 'agent',
    labels,
  };
}
