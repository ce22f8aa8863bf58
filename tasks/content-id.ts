import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Task } from './schema.js';

// A task's content id: a hash of what the task is (its upstream id, statement, environment recipe, workspace base,
// grader and gold, and the files of its host folders: a Terminal-Bench/Harbor task's tests, build context and
// solution, a folder workspace's files), leaving out host paths and the suite's name. A run is reused only on the same content id, and the
// held-out split hashes it, so moving a checkout or renaming a suite changes neither, while editing a test file does.

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value as Record<string, unknown>)
        .sort()
        .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  return value;
}

/**
 * A digest of a host folder's files by relative path, content and executable bit (symlinks by their target, never
 * followed: task folders are data). `exclude` holds relative paths left out with everything under them.
 */
export function folderDigest(dir: string, exclude: string[] = []): string {
  if (!existsSync(dir)) return 'missing';
  const h = createHash('sha256');
  const skip = new Set(exclude.map((p) => p.replace(/^\.?\/+|\/+$/g, '')));
  const walk = (at: string) => {
    for (const name of readdirSync(at).sort()) {
      const path = join(at, name);
      const rel = relative(dir, path).split(sep).join('/');
      if (skip.has(rel)) continue;
      const st = lstatSync(path);
      if (st.isDirectory()) walk(path);
      else if (st.isSymbolicLink()) h.update(`l ${rel}\0${readlinkSync(path)}\0`);
      else if (st.isFile()) {
        const kind = st.mode & 0o111 ? 'x' : 'f';
        let body: Buffer;
        try {
          body = readFileSync(path);
        } catch {
          // A file this user cannot read still counts by its size and time (its content is the image's business).
          h.update(`${kind}? ${rel}\0${st.size}\0${st.mtimeMs}\0`);
          continue;
        }
        h.update(`${kind} ${rel}\0${body.length}\0`).update(body);
      }
    }
  };
  if (lstatSync(dir).isDirectory()) walk(dir);
  return h.digest('hex').slice(0, 16);
}

export function taskContentId(task: Task): string {
  const { contextDir, ...environment } = task.environment;
  const workspace =
    task.workspace.kind === 'git'
      ? { kind: 'git', baseCommit: task.workspace.baseCommit }
      : task.workspace.kind === 'dir'
        ? { kind: 'dir', files: folderDigest(task.workspace.path) }
        : { kind: task.workspace.kind };
  const grader =
    task.grader.kind === 'terminal-bench'
      ? {
          kind: task.grader.kind,
          testScript: task.grader.testScript,
          mode: task.grader.mode,
          tests: folderDigest(task.grader.testsDir),
          ...(task.grader.env ? { env: task.grader.env } : {}),
          ...(task.grader.logParser !== 'pytest' ? { logParser: task.grader.logParser } : {}),
        }
      : task.grader;
  const gold =
    task.gold?.kind === 'script' && task.gold.dir !== undefined
      ? { ...task.gold, dir: folderDigest(task.gold.dir) }
      : (task.gold ?? null);
  const content = canonical({
    id: task.id,
    kind: task.kind,
    statement: task.statement,
    environment: {
      ...environment,
      ...(contextDir !== undefined ? { context: folderDigest(contextDir, environment.contextExclude) } : {}),
    },
    workspace,
    grader,
    gold,
  });
  return createHash('sha256').update(JSON.stringify(content)).digest('hex').slice(0, 16);
}
