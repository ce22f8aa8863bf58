import type { StatusMap } from './pytest.js';

// SymPy's own runner (`bin/test -C --verbose`), read as the SWE-bench harness reads it: one line per test,
// `test_name ok|F|E` (indented under its file), and the failure report's headers
// `____ sympy/core/tests/test_x.py:test_name ____`, which mark a test failed even when its line was cut short.

const HEADER = /(_*) (.*)\.py:(.*) (_*)/g;

export function parseSympy(log: string): StatusMap {
  const map: StatusMap = new Map();
  for (const m of log.matchAll(HEADER)) map.set(`${m[2]}.py:${m[3]}`, 'FAILED');
  for (const raw of log.split('\n')) {
    const line = raw.trim();
    if (!line.startsWith('test_')) continue;
    const name = line.split(/\s+/)[0]!;
    if (line.endsWith(' E')) map.set(name, 'ERROR');
    if (line.endsWith(' F')) map.set(name, 'FAILED');
    if (line.endsWith(' ok')) map.set(name, 'PASSED');
  }
  return map;
}
