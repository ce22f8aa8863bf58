import type { StatusMap } from './pytest.js';

// Django's own runner (`tests/runtests.py --verbosity 2`), read as the SWE-bench harness reads it: unittest's
// verbose lines `test_x (app.tests.Case) ... ok|FAIL|ERROR|skipped 'why'`, the `FAIL: name (...)` / `ERROR: ...`
// headers of the failure report, a result that lands on a later line than its test (`... ` then output, then `ok`),
// and the three known ways Django's own prints interrupt a test's line before its `ok`.

const PASS_SUFFIXES = [' ... ok', ' ... OK', ' ...  OK'];

// A test whose `ok` was pushed onto the next line by output printed in between (multi-line, as upstream).
const INTERRUPTED = [
  /^(.*?)\s\.\.\.\sTesting against Django installed in ([\s\S]*?) silenced\)\.\nok$/gm,
  /^(.*?)\s\.\.\.\sInternal Server Error: \/(.*)\/\nok$/gm,
  /^(.*?)\s\.\.\.\sSystem check identified no issues \(0 silenced\)\nok$/gm,
];

export function parseDjango(log: string): StatusMap {
  const map: StatusMap = new Map();
  let previous: string | undefined;
  for (const raw of log.split('\n')) {
    let line = raw.trim();
    // `manage.py --version` prints over several lines; upstream's lists name it by this phrase.
    if (line.includes('--version is equivalent to version')) map.set('--version is equivalent to version', 'PASSED');
    if (line.includes(' ... ')) previous = line.split(' ... ')[0];
    for (const suffix of PASS_SUFFIXES) {
      if (!line.endsWith(suffix)) continue;
      // A migration's progress line can run into the test's own (upstream: django__django-7188).
      if (line.startsWith('Applying sites.0002_alter_domain_unique...test_no_migrations'))
        line = line.slice(line.indexOf('...') + 3).trim();
      map.set(line.slice(0, line.lastIndexOf(suffix)), 'PASSED');
      break;
    }
    if (line.includes(' ... skipped')) map.set(line.split(' ... skipped')[0]!, 'SKIPPED');
    if (line.endsWith(' ... FAIL')) map.set(line.split(' ... FAIL')[0]!, 'FAILED');
    if (line.startsWith('FAIL:')) map.set(line.split(/\s+/)[1]!.trim(), 'FAILED');
    if (line.endsWith(' ... ERROR')) map.set(line.split(' ... ERROR')[0]!, 'ERROR');
    if (line.startsWith('ERROR:')) map.set(line.split(/\s+/)[1]!.trim(), 'ERROR');
    // The result came on a line of its own after the test printed something.
    if (line.startsWith('ok') && previous !== undefined) map.set(previous, 'PASSED');
  }
  for (const pattern of INTERRUPTED) for (const m of log.matchAll(pattern)) map.set(m[1]!, 'PASSED');
  return map;
}
