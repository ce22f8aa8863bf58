import type { ImageRecipe } from '../sandbox/types.js';
import { BASE_IMAGE } from './base.js';

// The environment layer for SWE-bench-style Python tasks: python3, pytest git and patch (the graders' last fallback) on the local Debian base, and a
// non-root `agent` user for the agent to work as. Task recipes put this recipe as their parent and start with
// `ARG PARENT_IMAGE` / `FROM $PARENT_IMAGE` (or FROM imageTag(pythonEnvRecipe())).

export interface PythonEnvOptions {
  /** Extra Debian packages, e.g. ["python3-requests"]. */
  packages?: string[];
}

export function pythonEnvRecipe(options: PythonEnvOptions = {}): ImageRecipe {
  const packages = ['python3', 'python3-pytest', 'git', 'patch', ...(options.packages ?? [])].sort();
  return {
    name: 'env-python',
    dockerfile: [
      `FROM ${BASE_IMAGE}`,
      'ENV DEBIAN_FRONTEND=noninteractive PYTHONDONTWRITEBYTECODE=1',
      `RUN apt-get update && apt-get install -y --no-install-recommends ${[...new Set(packages)].join(' ')} ca-certificates \\`,
      ' && rm -rf /var/lib/apt/lists/*',
      'RUN useradd --create-home --shell /bin/bash agent \\',
      ' && git config --system user.name agent && git config --system user.email agent@evolve.invalid \\',
      " && git config --system safe.directory '*' && git config --system init.defaultBranch main",
      '',
    ].join('\n'),
  };
}
