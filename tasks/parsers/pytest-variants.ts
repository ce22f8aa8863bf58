import { parsePytest, type StatusMap, type TestStatus } from './pytest.js';

// The per-repository variations of the pytest parser that the SWE-bench harness uses, each on top of `pytest -rA`.

const STATUSES: readonly TestStatus[] = ['PASSED', 'FAILED', 'ERROR', 'SKIPPED', 'XFAIL'];
const isStatus = (s: string | undefined): s is TestStatus => STATUSES.includes(s as TestStatus);

/**
 * requests, pylint, pydicom: a parametrized id whose parameter is an absolute path keeps only the file name
 * (`test_x[/tmp/pytest-of-root/a/b.txt]` -> `test_x[/b.txt]`), so ids that hold a temp dir match across machines.
 */
export function parsePytestOptions(log: string): StatusMap {
  const map: StatusMap = new Map();
  for (const [id, status] of parsePytest(log)) {
    const m = /^(.*?)\[(.*)\]$/s.exec(id);
    let key = id;
    if (m) {
      let option = m[2]!;
      if (option.startsWith('/') && !option.startsWith('//') && !option.includes('*'))
        option = `/${option.split('/').at(-1)}`;
      key = `${m[1]}[${option}]`;
    }
    if (!map.has(key) || key === id) map.set(key, status);
  }
  return map;
}

/**
 * astropy, scikit-learn, sphinx: colour codes and control characters removed; a summary line's id is everything after
 * the status (spaces kept, a FAILED line cut at ` - `); and the older verbose form `path::test STATUS` (astropy runs
 * `-vv -o console_output_style=classic`) counts too.
 */
export function parsePytestV2(log: string): StatusMap {
  const map: StatusMap = new Map();
  for (const raw of log.split('\n')) {
    const line = raw.replace(/\[(\d+)m/g, '').replace(/[\x01-\x1f]/g, '');
    const words = line.split(/\s+/).filter(Boolean);
    const first = STATUSES.find((s) => line.startsWith(s));
    if (first) {
      const cut = first === 'FAILED' ? line.split(' - ')[0]! : line;
      const parts = cut.split(/\s+/).filter(Boolean);
      if (parts.length >= 2 && !(parts[0] === 'SKIPPED' && /^\[\d+\]$/.test(parts[1]!)))
        map.set(parts.slice(1).join(' '), parts[0] as TestStatus);
    } else if (words.length >= 2 && isStatus(words.at(-1)) && STATUSES.some((s) => line.endsWith(s))) {
      map.set(words.slice(0, -1).join(' '), words.at(-1) as TestStatus);
    }
  }
  return map;
}

/** matplotlib: mouse buttons print as enum names in newer versions; upstream's lists use their numbers. */
export function parseMatplotlib(log: string): StatusMap {
  return parsePytest(log.replaceAll('MouseButton.LEFT', '1').replaceAll('MouseButton.RIGHT', '3'));
}

/**
 * seaborn: summary lines, and the verbose form `tests/x.py::test_a PASSED [ 10%]` (the status as the second word),
 * as upstream reads them.
 */
export function parseSeaborn(log: string): StatusMap {
  const map: StatusMap = new Map();
  for (const line of log.split('\n')) {
    const parts = line.split(/\s+/).filter(Boolean);
    if (parts.length < 2) continue;
    if (line.startsWith('FAILED')) map.set(parts[1]!, 'FAILED');
    else if (line.includes(' PASSED ')) {
      if (parts[1] === 'PASSED') map.set(parts[0]!, 'PASSED');
    } else if (line.startsWith('PASSED')) map.set(parts[1]!, 'PASSED');
  }
  return map;
}
