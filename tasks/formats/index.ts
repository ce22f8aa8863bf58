import { sweBench } from './swe-bench.js';
import { terminalBench } from './terminal-bench.js';
import type { TaskFormat } from './types.js';

// Task formats by name, tried in this order (a folder with both task.yaml and instance.json is Terminal-Bench's).
// Add one here to read another on-disk layout: a file exporting a TaskFormat, plus one line below.
const FORMATS: TaskFormat[] = [terminalBench, sweBench];

/** The format that reads `path` (a task folder or a suite file), if any. */
export function formatOf(path: string, isDirectory: boolean): TaskFormat | undefined {
  return FORMATS.find((f) => f.recognises(path, isDirectory));
}

export function taskFormats(): readonly TaskFormat[] {
  return FORMATS;
}

/** Adds a format after the built-in ones (a plug-in, or a test); its name must be new. Returns what removes it. */
export function registerTaskFormat(format: TaskFormat): () => void {
  if (FORMATS.some((f) => f.name === format.name))
    throw new Error(`task format "${format.name}" is already registered`);
  FORMATS.push(format);
  return () => {
    const at = FORMATS.indexOf(format);
    if (at >= 0) FORMATS.splice(at, 1);
  };
}

export type { LoadContext, TaskFormat } from './types.js';
