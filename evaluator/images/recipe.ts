import { createHash } from 'node:crypto';
import type { ImageRecipe } from '../sandbox/types.js';

// An image is named by the hash of everything that goes into it, so equal recipes share one image across runs and
// invocations, and a changed parent changes every child's name.

export const RECIPE_LABEL = 'evolve.recipe';
export const HASH_LABEL = 'evolve.hash';

const hashes = new WeakMap<ImageRecipe, string>();

export function recipeHash(recipe: ImageRecipe): string {
  const known = hashes.get(recipe);
  if (known) return known;
  const h = createHash('sha256');
  const field = (s: string | Uint8Array) => {
    const b = Buffer.from(s);
    h.update(`${b.length}:`).update(b);
  };
  field(recipe.name);
  field(recipe.dockerfile);
  for (const path of Object.keys(recipe.files ?? {}).sort()) {
    field(path);
    field(recipe.files![path]!);
  }
  field(recipe.parent ? recipeHash(recipe.parent) : '');
  const hash = h.digest('hex');
  hashes.set(recipe, hash);
  return hash;
}

/** `evolve/<name>:<hash12>`. */
export function imageTag(recipe: ImageRecipe): string {
  const stem =
    recipe.name
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^[^a-z0-9]+/, '') || 'image';
  return `evolve/${stem}:${recipeHash(recipe).slice(0, 12)}`;
}

/** Recipes from the root down to this one: parents are built first. */
export function recipeChain(recipe: ImageRecipe): ImageRecipe[] {
  const chain: ImageRecipe[] = [];
  for (let r: ImageRecipe | undefined = recipe; r; r = r.parent) chain.unshift(r);
  return chain;
}

/** The first FROM image of a Dockerfile (with `$PARENT_IMAGE` resolved), or undefined. */
export function fromImage(dockerfile: string, parentTag?: string): string | undefined {
  const m = /^\s*FROM\s+(\S+)/im.exec(dockerfile);
  if (!m?.[1]) return undefined;
  return m[1].replace(/^\$\{?PARENT_IMAGE\}?$/, parentTag ?? m[1]);
}
