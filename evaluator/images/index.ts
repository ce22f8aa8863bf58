// Image recipes and their cache: content-hash tags, layered builds through dockerode, the local Debian base.
export { BASE_IMAGE, ensureBaseImage, imageExists, type BaseImageOptions } from './base.js';
export {
  buildImage,
  ensureImage,
  ensureImageDetailed,
  type BuildOptions,
  type BuildProgress,
  type EnsureResult,
} from './build.js';
export { listImages, pruneImages, type ImageInfo, type PruneOptions } from './manage.js';
export { pythonEnvRecipe, type PythonEnvOptions } from './python-env.js';
export { fromImage, imageTag, recipeChain, recipeHash, HASH_LABEL, RECIPE_LABEL } from './recipe.js';

import { pythonEnvRecipe } from './python-env.js';
import { STAND_INS } from './stand-ins.js';
import type { ImageRecipe } from '../sandbox/types.js';

/** Recipes `evolve images build` knows by name (the base image is built by ensureBaseImage, name "base"). */
export const NAMED_RECIPES: Record<string, () => ImageRecipe> = {
  'env-python': () => pythonEnvRecipe(),
  // The stand-ins for published base images (python:3.x, ubuntu, t-bench), to build ahead of an offline run.
  'stand-in-python': STAND_INS.python!,
  'stand-in-ubuntu': STAND_INS.ubuntu!,
};
