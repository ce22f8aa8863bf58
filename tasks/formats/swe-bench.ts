import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { instanceToTask, readSweInstances } from '../swebench.js';
import type { TaskFormat } from './types.js';

// SWE-bench instances: rows of a .jsonl or .json file, or an instance folder (instance.json or task.json, with the
// patches in sibling files and the repository in repo/ when it ships one).
export const sweBench: TaskFormat = {
  name: 'swe-bench',
  describe: 'a SWE-bench .jsonl/.json file of instances, or an instance folder (instance.json)',
  recognises: (path, isDirectory) =>
    isDirectory
      ? existsSync(join(path, 'instance.json')) || existsSync(join(path, 'task.json'))
      : /\.jsonl?$/.test(path),
  load: (path, ctx) =>
    readSweInstances(path).map(({ row, dir }) => {
      const repo = dir && existsSync(join(dir, 'repo')) ? join(dir, 'repo') : undefined;
      return instanceToTask(row, ctx.suite, ctx.sources, repo);
    }),
};
