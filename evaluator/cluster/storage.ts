import { mkdirSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

// Where workers put a run's trajectory, patch and logs so the orchestrator (and the TUI) can read them. A shared
// directory (NFS, a compose volume) to start; an object store would implement the same two calls by writing to a
// local folder and uploading it after the run, returning where it went.

export interface RunStorage {
  /** The folder a run under `key` writes into (its runs/ tree: experiment/task/rN-aM). */
  runsDir(key: string): string;
  /** Called after a run wrote its files; a directory store has nothing left to do. */
  publish?(key: string, dir: string): Promise<void>;
}

export class DirectoryStorage implements RunStorage {
  readonly root: string;
  constructor(root: string) {
    this.root = resolve(root);
  }
  runsDir(key: string): string {
    if (isAbsolute(key) || key.split(/[\\/]/).includes('..'))
      throw new Error(`storage key ${JSON.stringify(key)} must be a relative path inside the storage`);
    const dir = join(this.root, key);
    mkdirSync(dir, { recursive: true });
    return dir;
  }
}
