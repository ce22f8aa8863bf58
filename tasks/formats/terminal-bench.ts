import { isTerminalBenchTask, loadTerminalBenchTask } from '../terminal-bench.js';
import type { TaskFormat } from './types.js';

// Terminal-Bench (task.yaml) and Harbor (task.toml) task folders: one task each.
export const terminalBench: TaskFormat = {
  name: 'terminal-bench',
  describe: 'a Terminal-Bench or Harbor task folder (task.yaml or task.toml)',
  recognises: (path, isDirectory) => isDirectory && isTerminalBenchTask(path),
  load: (path, ctx) => [loadTerminalBenchTask(path, ctx.suite)],
};
