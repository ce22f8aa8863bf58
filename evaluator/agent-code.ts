import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

// Which agent code a run ran, for its key: a code variant's commit, or this installation's agent source by content.
// A bare `installed` would let runs made by one version of evolve be reused, and compared against, after an upgrade
// changed the agent (its loop, policies or the offline model): the champion's old runs would stand for code that no
// longer runs. So the installed agent goes by a hash of every file the bundle can take from it: agent/ (code and
// data, tests left out) and the process entry and the Sandbox types it is compiled with.

/** The evolve installation whose agent/ runs unless a code variant's source is given. */
export const INSTALLED_AGENT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const PREFIX = 'installed';
let cached: string | undefined;

/** `installed:<hash>` of this installation's agent source (computed once per process). */
export function installedAgentCode(): string {
  cached ??= `${PREFIX}:${hashTree(INSTALLED_AGENT)}`;
  return cached;
}

/** The code key of a run: the variant's commit, else the installed agent's. */
export function agentCodeKey(code: { commit: string } | undefined): string {
  return code?.commit ?? installedAgentCode();
}

/** Whether a run's code key names the installed agent (`installed` alone: a run from before keys were hashed). */
export function isInstalledCode(key: string): boolean {
  return key === PREFIX || key.startsWith(`${PREFIX}:`);
}

/** The hash of an evolve tree's agent source: agent/ without tests, the process entry and the Sandbox types. */
export function hashTree(root: string): string {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'node_modules') walk(path);
      } else if (e.isFile() && !/\.test\.tsx?$/.test(e.name)) files.push(path);
    }
  };
  walk(join(root, 'agent'));
  files.push(join(root, 'evaluator', 'agent-process', 'child.ts'), join(root, 'evaluator', 'sandbox', 'types.ts'));
  const hash = createHash('sha256');
  for (const path of files.sort()) {
    const rel = relative(root, path).split(sep).join('/');
    hash.update(`\0${rel}\0`).update(readFileSync(path));
  }
  return hash.digest('hex').slice(0, 16);
}
