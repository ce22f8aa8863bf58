import type { Task } from '../schema.js';
import type { SweSources } from '../swebench.js';

/** What a format's loader is told besides the path: the suite the tasks join, and where SWE-bench sources come from. */
export interface LoadContext {
  suite: string;
  sources: SweSources;
}

/**
 * An on-disk task format: a task folder (or a suite file) it recognises, and the tasks it holds. A suite folder holds
 * task folders of any registered format; a suite file is read by the format that recognises it.
 */
export interface TaskFormat {
  name: string;
  /** Whether `path` is one of this format's task folders or suite files (looked at, never run). */
  recognises(path: string, isDirectory: boolean): boolean;
  load(path: string, ctx: LoadContext): Task[];
  /** How to name it in a "what can be read here" hint. */
  describe: string;
}
