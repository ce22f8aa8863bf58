import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

// TEST HELPER: a PATH whose `python3` is the host's interpreter itself, not a version manager's shim in front of it.
// pyenv's shim (first on PATH on the CI machine) re-resolves the version on every call, through several bash
// processes: about 2 s of wall time per `python3` at a load of 15 against 0.2 s for the interpreter, and a host-side
// agent run calls python3 dozens of times. The shim would run this same interpreter with its directory first on PATH,
// so commands see the same python3, pytest and packages. Without python3 on PATH, the PATH is left as it is.

const resolved = new Map<string, string | null>();

function interpreterDir(path: string): string | null {
  if (resolved.has(path)) return resolved.get(path) as string | null;
  let dir: string | null = null;
  try {
    // Resolved from a directory outside any project, as the agent's temp workspaces are (a shim reads the version
    // from the working directory upwards).
    const exe = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], {
      cwd: tmpdir(),
      env: { PATH: path, HOME: process.env.HOME ?? tmpdir() },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    if (exe !== '') dir = dirname(exe);
  } catch {
    // no python3 on this PATH
  }
  resolved.set(path, dir);
  return dir;
}

function firstWithPython(path: string): string | undefined {
  return path.split(':').find((d) => {
    try {
      accessSync(join(d, 'python3'), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * `path` (the host's PATH by default) with the directory of the interpreter its `python3` runs put first, when what
 * it finds first is not that interpreter (a shim); otherwise `path` unchanged.
 */
export function hostPythonPath(path = process.env.PATH ?? '/usr/bin:/bin'): string {
  const dir = interpreterDir(path);
  return dir === null || firstWithPython(path) === dir ? path : `${dir}:${path}`;
}
