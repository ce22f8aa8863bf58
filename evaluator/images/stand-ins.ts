import { existsSync, readFileSync } from 'node:fs';
import { basename, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import type { ImageRecipe } from '../sandbox/types.js';
import { BASE_IMAGE } from './base.js';
import { pythonEnvRecipe } from './python-env.js';

// Local stand-ins for the base images published benchmarks build on (python:3.x, ubuntu, Terminal-Bench's own), for
// machines where no registry is reachable. Each behaves like its original for what tasks rely on: bash, `python`
// and `pip`, WORKDIR /app, common command-line tools. Which image maps to which recipe is data: evolve.json
// `images.bases` (pattern -> recipe) on top of DEFAULT_BASES; a recipe is a name below or a Dockerfile path.

const TOOLS = ['bash', 'ca-certificates', 'curl', 'wget', 'git', 'patch', 'procps', 'tmux', 'less', 'file', 'unzip'];
const TOOLS_MORE = ['xz-utils', 'bzip2', 'jq', 'nano', 'vim-tiny', 'sqlite3'];
const PYTHON = ['python3', 'python3-pip', 'python3-venv', 'python-is-python3', 'python3-pytest'];

/** A stand-in on the local Debian base: these packages, python where the originals put it, an `agent` user. */
function standIn(name: string, packages: string[], env: string[] = []): ImageRecipe {
  return {
    name: `stand-in-${name}`,
    dockerfile: [
      `FROM ${BASE_IMAGE}`,
      `ENV DEBIAN_FRONTEND=noninteractive ${env.join(' ')}`.trimEnd(),
      `RUN apt-get update && apt-get install -y --no-install-recommends ${[...new Set(packages)].sort().join(' ')} \\`,
      ' && rm -rf /var/lib/apt/lists/*',
      // python:3.x images keep python, pip and friends in /usr/local/bin; some tasks call them by that path.
      'RUN for b in python python3 pip pip3; do [ -e /usr/local/bin/$b ] || ln -s "$(command -v $b)" /usr/local/bin/$b; done',
      'RUN useradd --create-home --shell /bin/bash agent \\',
      ' && git config --system user.name agent && git config --system user.email agent@evolve.invalid \\',
      " && git config --system safe.directory '*' && git config --system init.defaultBranch main",
      'WORKDIR /app',
      '',
    ].join('\n'),
  };
}

/** Recipes a mapping may name. */
export const STAND_INS: Record<string, () => ImageRecipe> = {
  // pip installs into the system python, as it does in the official images (no PEP 668 refusal).
  python: () =>
    standIn(
      'python',
      [...TOOLS, ...TOOLS_MORE, ...PYTHON],
      ['PYTHONDONTWRITEBYTECODE=1', 'PIP_BREAK_SYSTEM_PACKAGES=1', 'PIP_DISABLE_PIP_VERSION_CHECK=1'],
    ),
  // Terminal-Bench's ubuntu images carry python3 (asciinema needs it); tasks apt-get what else they need.
  ubuntu: () => standIn('ubuntu', [...TOOLS, ...TOOLS_MORE, ...PYTHON], ['PIP_BREAK_SYSTEM_PACKAGES=1']),
  /** The built-in suite's environment (python3, pytest, git), unchanged. */
  'python-env': () => pythonEnvRecipe(),
};

/** Shipped defaults: the base images of published Terminal-Bench, Harbor and SWE-style tasks. */
export const DEFAULT_BASES: Record<string, string> = {
  'evolve/python-env*': 'python-env',
  'python:3*': 'python',
  'docker.io/library/python:3*': 'python',
  'ghcr.io/laude-institute/t-bench/python-3-*': 'python',
  'ubuntu:22.04*': 'ubuntu',
  'ubuntu:24.04*': 'ubuntu',
  'ubuntu:jammy*': 'ubuntu',
  'ubuntu:noble*': 'ubuntu',
  'docker.io/library/ubuntu:2*': 'ubuntu',
  'ghcr.io/laude-institute/t-bench/ubuntu-2*': 'ubuntu',
};

/** evolve.json `images`: base image pattern (`*` matches anything) -> a recipe name or a Dockerfile path. */
export const ImagesConfig = z
  .strictObject({
    bases: z.record(z.string().min(1), z.string().min(1)).default({}),
    /**
     * `auto`: pull a task's base image when it is not here, the stand-in only when the pull fails; `never`: the
     * stand-in straight away (offline machines: no time spent on a pull that cannot work).
     */
    pull: z.enum(['auto', 'never']).default('auto'),
  })
  .prefault({});
export type ImagesConfig = z.infer<typeof ImagesConfig>;

export interface BaseMapping {
  pattern: string;
  recipe: string;
}

const globRe = (pattern: string) =>
  new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);

/** The mapping for an image: the workspace's own patterns first (most specific first), then the defaults. */
export function findBase(image: string, bases: Record<string, string> = {}): BaseMapping | undefined {
  const ordered = (m: Record<string, string>) =>
    Object.entries(m).sort((a, b) => b[0].replace(/\*/g, '').length - a[0].replace(/\*/g, '').length);
  for (const [pattern, recipe] of [...ordered(bases), ...ordered(DEFAULT_BASES)])
    if (globRe(pattern).test(image)) return { pattern, recipe };
  return undefined;
}

/** A mapping's recipe: a named stand-in, or a Dockerfile (relative to `root`) building on the local base. */
export function standInRecipe(mapping: BaseMapping, root = '.'): ImageRecipe {
  const named = STAND_INS[mapping.recipe];
  if (named) return named();
  const file = isAbsolute(mapping.recipe) ? mapping.recipe : resolve(root, mapping.recipe);
  if (!existsSync(file))
    throw Object.assign(
      new Error(
        `evolve.json images.bases["${mapping.pattern}"]: "${mapping.recipe}" is neither a known stand-in (${Object.keys(STAND_INS).join(', ')}) nor a Dockerfile (${file} does not exist)`,
      ),
      { kind: 'image_missing' },
    );
  return {
    name: `stand-in-${basename(file).replace(/\.?Dockerfile$/i, '') || 'custom'}`,
    dockerfile: readFileSync(file, 'utf8'),
  };
}
