import { parseDjango } from './django.js';
import { parsePytest, type StatusMap } from './pytest.js';
import { parseMatplotlib, parsePytestOptions, parsePytestV2, parseSeaborn } from './pytest-variants.js';
import { parseSympy } from './sympy.js';

// Log parsers by name (the SWE-bench `log_parser` / Terminal-Bench `parser_name`). Add one here to support another
// test runner's output; tasks/swebench-specs.ts says which repository uses which.
export type LogParser = (log: string) => StatusMap;

const parsers = new Map<string, LogParser>([
  ['pytest', parsePytest],
  ['pytest-options', parsePytestOptions],
  ['pytest-v2', parsePytestV2],
  ['matplotlib', parseMatplotlib],
  ['seaborn', parseSeaborn],
  ['django', parseDjango],
  ['sympy', parseSympy],
]);

export function getParser(name: string): LogParser {
  const parser = parsers.get(name);
  if (!parser) throw new Error(`unknown test log parser "${name}" (known: ${parserNames().join(', ')})`);
  return parser;
}

export function parserNames(): string[] {
  return [...parsers.keys()];
}

export function registerParser(name: string, parser: LogParser): void {
  parsers.set(name, parser);
}

export { passed, failed, type StatusMap, type TestStatus } from './pytest.js';
