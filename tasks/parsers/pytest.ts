// Parses `pytest -rA` logs into per-test statuses, the way the SWE-bench harness does: the short test summary
// lines (`PASSED tests/x.py::test_a`, `FAILED tests/x.py::test_b[1-2] - AssertionError`), parametrized ids with
// spaces and brackets included, and collection errors (`ERROR tests/x.py - ImportError`).

export type TestStatus = 'PASSED' | 'FAILED' | 'ERROR' | 'SKIPPED' | 'XFAIL' | 'XPASS';
export type StatusMap = Map<string, TestStatus>;

const LINE = /^(PASSED|FAILED|ERROR|SKIPPED|XFAIL|XPASS)\s+(.+)$/;

/** The test id of a summary line's remainder: up to the closing `]` of a parametrized id, else up to ` - `. */
function testId(rest: string): string {
  const bracket = rest.indexOf('[');
  const sep = rest.indexOf(' - ');
  if (bracket >= 0 && (sep < 0 || bracket < sep)) {
    const close = rest.lastIndexOf(']');
    if (close > bracket) return rest.slice(0, close + 1);
  }
  return (sep >= 0 ? rest.slice(0, sep) : rest).trim();
}

export function parsePytest(log: string): StatusMap {
  const map: StatusMap = new Map();
  for (const raw of log.split('\n')) {
    const line = raw.replace(/\x1b\[[0-9;]*m/g, '').trimEnd();
    const m = LINE.exec(line);
    if (!m) continue;
    const rest = m[2]!;
    // `SKIPPED [1] tests/x.py:12: reason` names a location, not a test id: not a test result we can match.
    if (m[1] === 'SKIPPED' && rest.startsWith('[')) continue;
    const id = testId(rest);
    map.set(id, m[1] as TestStatus);
    // Upstream's parser splits summary lines on whitespace, so its FAIL_TO_PASS lists hold a parametrized id with
    // a space cut at the space ("test_p[a b]" -> "test_p[a"). Index that form too, so upstream lists match.
    const upstream = id.split(/\s/)[0]!;
    if (upstream !== id && !map.has(upstream)) map.set(upstream, m[1] as TestStatus);
  }
  return map;
}

/** Upstream semantics: PASSED and XFAIL count as passing; FAILED and ERROR (or absent) as failing; SKIPPED as neither. */
export function passed(map: StatusMap, test: string): boolean {
  const s = map.get(test);
  return s === 'PASSED' || s === 'XFAIL';
}

export function failed(map: StatusMap, test: string): boolean {
  const s = map.get(test);
  return s === undefined || s === 'FAILED' || s === 'ERROR' || s === 'XPASS';
}
