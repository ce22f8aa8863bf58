import Docker from 'dockerode';
import * as tar from 'tar-stream';
import { collect } from '../sandbox/archive.js';
import { defaultCpus } from '../sandbox/limits.js';
import { fromDockerError, SandboxError } from '../sandbox/errors.js';
import type { ImageRecipe } from '../sandbox/types.js';
import { BASE_IMAGE, ensureBaseImage, imageExists } from './base.js';
import { followBuild, type BuildProgress } from './progress.js';
import { fromImage, HASH_LABEL, imageTag, recipeChain, recipeHash, RECIPE_LABEL } from './recipe.js';

// Builds recipes through dockerode with a build-context tar, parents first; an image whose tag (content hash)
// already exists is reused, so a suite's tasks share the base and environment layers.

export type { BuildProgress };

export interface BuildOptions {
  docker?: Docker;
  onProgress?: BuildProgress;
  /** Extra labels on the built images (tests mark theirs so they can prune only what they made). */
  labels?: Record<string, string>;
}

export interface EnsureResult {
  tag: string;
  built: boolean;
}

const inFlight = new Map<string, Promise<EnsureResult>>();

/** Makes sure the recipe's image (and its parents') exist; returns its tag. */
export async function ensureImage(recipe: ImageRecipe, options: BuildOptions = {}): Promise<string> {
  return (await ensureImageDetailed(recipe, options)).tag;
}

export async function ensureImageDetailed(recipe: ImageRecipe, options: BuildOptions = {}): Promise<EnsureResult> {
  let result: EnsureResult = { tag: '', built: false };
  for (const r of recipeChain(recipe)) result = await ensureOne(r, options);
  return result;
}

function ensureOne(recipe: ImageRecipe, options: BuildOptions): Promise<EnsureResult> {
  const tag = imageTag(recipe);
  const running = inFlight.get(tag);
  if (running) return running;
  const work = (async (): Promise<EnsureResult> => {
    const docker = options.docker ?? new Docker();
    if (await imageExists(docker, tag)) return { tag, built: false };
    await buildImage(recipe, { ...options, docker });
    return { tag, built: true };
  })().finally(() => inFlight.delete(tag));
  inFlight.set(tag, work);
  return work;
}

/** Builds one recipe whose parent already exists (ensureImage handles the chain). */
export async function buildImage(recipe: ImageRecipe, options: BuildOptions = {}): Promise<string> {
  const docker = options.docker ?? new Docker();
  const tag = imageTag(recipe);
  const parentTag = recipe.parent ? imageTag(recipe.parent) : undefined;
  const from = fromImage(recipe.dockerfile, parentTag);
  if (from === BASE_IMAGE) await ensureBaseImage({ docker, onProgress: options.onProgress });
  options.onProgress?.(`building ${tag}`);
  const context = await buildContext(recipe);
  let stream: NodeJS.ReadableStream;
  try {
    stream = await docker.buildImage(context as unknown as NodeJS.ReadableStream, {
      t: tag,
      labels: { ...options.labels, [RECIPE_LABEL]: recipe.name, [HASH_LABEL]: recipeHash(recipe) },
      buildargs: parentTag ? { PARENT_IMAGE: parentTag } : {},
      rm: true,
      forcerm: true,
      // A build is a task's code running on the engine: bounded like a sandbox, and offline unless it installs.
      memory: BUILD_MEMORY_MB * 1024 * 1024,
      memswap: BUILD_MEMORY_MB * 1024 * 1024,
      cpuperiod: 100_000,
      cpuquota: Math.round(defaultCpus() * 100_000),
      networkmode: needsNetwork(recipe.dockerfile) ? 'default' : 'none',
    });
  } catch (error) {
    throw fromDockerError(error, `building ${tag}`);
  }
  await followBuild(docker, stream, `building ${tag}`, options.onProgress);
  if (!(await imageExists(docker, tag)))
    throw new SandboxError('build_failed', `building ${tag} reported success but the image is missing`);
  return tag;
}

const BUILD_MEMORY_MB = 4096;

/** Commands that fetch packages or sources: a recipe running one of them is built with the network, others without. */
const FETCHES =
  /\b(apt-get|apt|aptitude|apk|yum|dnf|microdnf|zypper|pip|pip3|pipx|uv|poetry|conda|mamba|micromamba|npm|npx|yarn|pnpm|bun|gem|bundle|cargo|rustup|go|curl|wget|git|svn|hg)\b/;

/** Whether a Dockerfile needs the network to build: a RUN that fetches (see FETCHES) or an ADD of a URL. */
export function needsNetwork(dockerfile: string): boolean {
  const instructions = dockerfile.replace(/\\\r?\n/g, ' ').split(/\r?\n/);
  return instructions.some((line) => {
    const m = /^\s*(RUN|ADD)\s+(.*)$/i.exec(line);
    if (!m) return false;
    return m[1]!.toUpperCase() === 'ADD' ? /\b(https?|git):\/\//i.test(m[2]!) : FETCHES.test(m[2]!);
  });
}

function buildContext(recipe: ImageRecipe): Promise<Buffer> {
  const pack = tar.pack();
  pack.entry({ name: 'Dockerfile', mode: 0o644 }, recipe.dockerfile);
  for (const [path, content] of Object.entries(recipe.files ?? {})) {
    const data = Buffer.from(content);
    // Recipes carry contents only; a script (shebang) stays runnable after COPY.
    const mode = data.subarray(0, 2).toString() === '#!' ? 0o755 : 0o644;
    pack.entry({ name: path.replace(/^\/+/, ''), mode }, data);
  }
  pack.finalize();
  return collect(pack);
}
