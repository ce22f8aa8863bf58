import { parsePytest, type StatusMap } from './pytest.js';

// Log parsers by name (the SWE-bench `log_parser` / Terminal-Bench `parser_name`). Add one here to support another
// test runner's output.
export type LogParser = (log: string) => StatusMap;

const parsers = new Map<string, LogParser>([['pytest', parsePytest]]);

export function getParser(name: string): LogParser {
  const parser = parsers.get(name);
  if (!parser) throw new Error(`unknown test log parser "${name}" (known: ${[...parsers.keys()].join(', ')})`);
  return parser;
}

export function registerParser(name: string, parser: LogParser): void {
  parsers.set(name, parser);
}

export { passed, failed, type StatusMap, type TestStatus } from './pytest.js';
