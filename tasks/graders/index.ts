import type { Task } from '../schema.js';
import type { TaskGrader } from './grader.js';
import { swebenchGrader } from './swebench.js';
import { terminalBenchGrader } from './terminal-bench.js';

// The graders, by task kind. To add one: a file beside these exporting a TaskGrader, its grader block in
// schema.ts (Grader), and one line here; a kind with no line here fails to typecheck.
const GRADERS: { [K in Task['kind']]: TaskGrader<Task & { kind: K; grader: { kind: K } }> } = {
  swebench: swebenchGrader,
  'terminal-bench': terminalBenchGrader,
};

export function graderFor(task: Task): TaskGrader {
  const grader = GRADERS[task.grader.kind] as TaskGrader | undefined;
  if (!grader) throw new Error(`${task.id}: no grader for task kind "${task.grader.kind}"`);
  return grader;
}
