import { readdirSync, readlinkSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { TaskLoadError } from './errors.js';

// Task folders are data: a symbolic link inside one that leads out of it (`leak -> /proc/self/environ`, `../..`)
// would let a build context, a copy-in or a grader read the host. Such a task is refused when its suite loads.

/** Throws a TaskLoadError naming the task and the link when any symbolic link under `dir` resolves outside it. */
export function assertNoEscapingLinks(dir: string, taskId: string): void {
  const root = resolve(dir);
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isSymbolicLink()) {
        const target = readlinkSync(path);
        const lands = resolve(dirname(path), target);
        const rel = relative(root, lands);
        if (isAbsolute(target) || rel === '..' || rel.startsWith('../') || isAbsolute(rel))
          throw new TaskLoadError(path, taskId, undefined, `a symbolic link leaves the task folder (-> ${target})`);
      } else if (entry.isDirectory()) walk(path);
    }
  };
  walk(root);
}
