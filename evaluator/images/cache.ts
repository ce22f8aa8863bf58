import { createHash } from 'node:crypto';
import type Docker from 'dockerode';
import { pack } from 'tar-stream';
import { fromDockerError, SandboxError } from '../sandbox/errors.js';
import type { ImageRecipe } from '../sandbox/types.js';

// Image recipes named by a content hash: an identical recipe is built once and reused by every run and every
// later invocation. A recipe may name a parent recipe (base -> environment -> task); parents are built first and
// the child's Dockerfile refers to them by the {{parent}} placeholder or by their tag.

export const RECIPE_LABEL = 'evolve.recipe';

export function recipeHash(recipe: ImageRecipe): string {
  const h = createHash('sha256');
  h.update(recipe.parent ? recipeHash(recipe.parent) : '');
  h.update('\0');
  h.update(recipe.dockerfile);
  for (const [path, content] of Object.entries(recipe.files ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    h.update(`\0${path}\0`);
    h.update(content);
  }
  return h.digest('hex').slice(0, 12);
}

export function recipeTag(recipe: ImageRecipe): string {
  return `evolve/${recipe.name.toLowerCase().replace(/[^a-z0-9._-]+/g, '-')}:${recipeHash(recipe)}`;
}

export async function imageExists(docker: Docker, tag: string): Promise<boolean> {
  try {
    await docker.getImage(tag).inspect();
    return true;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return false;
    throw fromDockerError(error, `looking up image ${tag}`);
  }
}

const inFlight = new Map<string, Promise<string>>();

/** The recipe's image tag, building it (and its parents) only when missing. Concurrent callers share one build. */
export function ensureImage(docker: Docker, recipe: ImageRecipe, onProgress?: (line: string) => void): Promise<string> {
  const tag = recipeTag(recipe);
  let pending = inFlight.get(tag);
  if (!pending) {
    pending = (async () => {
      if (await imageExists(docker, tag)) return tag;
      const parentTag = recipe.parent ? await ensureImage(docker, recipe.parent, onProgress) : undefined;
      await buildImage(docker, recipe, tag, parentTag, onProgress);
      return tag;
    })().finally(() => inFlight.delete(tag));
    inFlight.set(tag, pending);
  }
  return pending;
}

async function buildImage(docker: Docker, recipe: ImageRecipe, tag: string, parentTag: string | undefined, onProgress?: (line: string) => void): Promise<void> {
  const context = pack();
  context.entry({ name: 'Dockerfile' }, parentTag ? recipe.dockerfile.replaceAll('{{parent}}', parentTag) : recipe.dockerfile);
  for (const [path, content] of Object.entries(recipe.files ?? {})) context.entry({ name: path, mode: path.endsWith('.sh') ? 0o755 : 0o644 }, Buffer.from(content));
  context.finalize();
  onProgress?.(`building ${tag}`);
  const log: string[] = [];
  let step = '';
  let failure: string | undefined;
  try {
    const stream = await docker.buildImage(context as unknown as NodeJS.ReadableStream, { t: tag, labels: { [RECIPE_LABEL]: recipeHash(recipe) }, rm: true, forcerm: true });
    await new Promise<void>((resolve, reject) => {
      docker.modem.followProgress(
        stream,
        (err) => (err ? reject(err) : resolve()),
        (event: { stream?: string; error?: string; errorDetail?: { message?: string } }) => {
          if (event.stream) {
            for (const line of event.stream.split('\n').filter(Boolean)) {
              if (/^Step \d+\/\d+ :/.test(line)) step = line;
              log.push(line);
              onProgress?.(line);
            }
          }
          if (event.error) failure = event.errorDetail?.message ?? event.error;
        },
      );
    });
  } catch (error) {
    failure ??= String((error as Error).message ?? error);
    if ((error as { code?: string }).code) throw fromDockerError(error, `building ${tag}`);
  }
  if (failure) {
    throw new SandboxError('build_failed', `building image ${tag} failed at ${step || 'the first step'}: ${failure}\n--- build log (last lines) ---\n${log.slice(-15).join('\n')}`, 'Fix the failing step in the task environment (Dockerfile), or check that Debian packages are reachable.');
  }
}

/** Removes images built from recipes (label evolve.recipe) that no container uses; returns the removed tags. */
export async function pruneImages(docker: Docker): Promise<string[]> {
  const images = await docker.listImages({ filters: { label: [RECIPE_LABEL] } });
  const removed: string[] = [];
  for (const image of images) {
    try {
      await docker.getImage(image.Id).remove();
      removed.push(...(image.RepoTags ?? [image.Id]));
    } catch {
      // in use by a container, or a parent of another image: keep it
    }
  }
  return removed;
}
