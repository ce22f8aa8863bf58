import Docker from 'dockerode';
import type { Task } from '../tasks/schema.js';
import { fromDockerError } from './sandbox/errors.js';
import { type SandboxKind, sandboxProvider } from './sandbox/providers.js';
import type { ImagesConfig } from './images/stand-ins.js';
import { fromImage, imageTag, recipeChain } from './images/recipe.js';
import { baseImageOf, taskImage } from './task-image.js';

// What a task was validated in, for the record of validated tasks (tasks/validated.ts): the image its runs use, as
// an identity that means the same on every machine. A recipe-built image (a task's Dockerfile, a stand-in such as
// the built-in suite's evolve/python-env) is its recipe hash, which covers its parents' recipes, and the image the
// chain starts FROM; an image used as named is its registry digest where the engine has one. A locally made image
// (evolve/base:bookworm, bootstrapped here) has no id that means the same elsewhere and counts by its name. A
// sandbox that builds no image (local) is the host.

export interface ValidationImageOptions {
  sandbox: SandboxKind;
  images?: Partial<ImagesConfig> & { root?: string };
  docker?: Docker;
}

/** An image by its registry digest when the engine has one (the same content wherever it is pulled), else its name. */
async function imageIdentity(docker: Docker, name: string, known: Map<string, Promise<string>>): Promise<string> {
  let id = known.get(name);
  if (!id) {
    id = docker
      .getImage(name)
      .inspect()
      .then(
        (info) => [...(info.RepoDigests ?? [])].sort()[0] ?? name,
        (error) => {
          if ((error as { statusCode?: number }).statusCode === 404) return name;
          throw fromDockerError(error, `looking up image ${name}`);
        },
      );
    known.set(name, id);
  }
  return id;
}

/** Each task's validation image identity, by task id (engine lookups shared across the tasks; nothing is pulled). */
export async function validationImages(tasks: Task[], options: ValidationImageOptions): Promise<Map<string, string>> {
  const chooser = sandboxProvider(options.sandbox).baseChooser?.(options.images ?? {});
  const out = new Map<string, string>();
  if (!chooser) {
    for (const t of tasks) out.set(t.id, `host (${options.sandbox} sandbox)`);
    return out;
  }
  const docker = options.docker ?? new Docker();
  const known = new Map<string, Promise<string>>();
  for (const task of tasks) {
    const from = baseImageOf(task);
    const image = taskImage(task, from ? await chooser.withoutPull(from) : undefined);
    if (typeof image === 'string') {
      out.set(task.id, await imageIdentity(docker, image, known));
      continue;
    }
    const root = fromImage(recipeChain(image)[0]!.dockerfile);
    out.set(task.id, `${imageTag(image)} from ${root ? await imageIdentity(docker, root, known) : 'scratch'}`);
  }
  return out;
}
