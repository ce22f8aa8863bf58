import { createHash } from 'node:crypto';
import type { Task } from './schema.js';

// A task's content id: a hash of what the task is (its upstream id, statement, environment recipe, workspace base,
// grader and gold), leaving out host paths and the suite's name. A run is reused only on the same content id, and
// the held-out split hashes it, so moving a checkout or renaming a suite changes neither.

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

export function taskContentId(task: Task): string {
  const { contextDir: _dir, ...environment } = task.environment;
  const workspace =
    task.workspace.kind === 'git'
      ? { kind: 'git', baseCommit: task.workspace.baseCommit }
      : { kind: task.workspace.kind };
  const grader =
    task.grader.kind === 'terminal-bench'
      ? { kind: task.grader.kind, testScript: task.grader.testScript, mode: task.grader.mode }
      : task.grader;
  const content = canonical({
    id: task.id,
    kind: task.kind,
    statement: task.statement,
    environment,
    workspace,
    grader,
    gold: task.gold ?? null,
  });
  return createHash('sha256').update(JSON.stringify(content)).digest('hex').slice(0, 16);
}
