import type { Statement } from './statement.js';

// The reproduction script written from the statement's examples, and how a run of it (or of a test
// command) is scored. Scores are compared lexicographically: fewer errors first, then more expected values
// seen, then fewer of the reporter's (buggy) outputs still reproduced.

/**
 * Where the repro script lives: named by its content, so runs of different tasks sharing one /tmp (the local
 * sandbox) never overwrite each other's, and repeats of one task write the same file.
 */
export function reproPath(statement: Statement): string {
  let h = 2166136261;
  for (const ch of JSON.stringify([statement.snippets, statement.files]))
    h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return `/tmp/evolve_repro_${h.toString(36)}.py`;
}
export const REPRO_END = 'EVOLVE_REPRO_END';
export const TESTS_MARK = '=== visible tests ===';

export function reproScript(statement: Statement): string {
  const mode = statement.script ? 'exec' : 'single';
  return [
    "# Written by the offline model from the task statement's examples.",
    'import os, sys, traceback',
    'sys.path.insert(0, os.getcwd())',
    // Data files the examples open live in a scratch directory, never in the workdir (they would enter the diff).
    ...(Object.keys(statement.files).length > 0
      ? [
          `FILES = ${JSON.stringify(statement.files)}`,
          'FILES_DIR = os.path.splitext(__file__)[0] + "_files"',
          'os.makedirs(FILES_DIR, exist_ok=True)',
          'for _name, _body in FILES.items():',
          '    open(os.path.join(FILES_DIR, _name), "w", encoding="utf-8").write(_body)',
          'os.chdir(FILES_DIR)',
        ]
      : []),
    `SNIPPETS = ${JSON.stringify(statement.snippets.map((s) => s.source))}`,
    'ns = {"__name__": "__main__"}',
    'cur = [0]',
    'def _show(value):',
    '    if value is not None:',
    '        print("OUT[%d] %r" % (cur[0], value))',
    'sys.displayhook = _show',
    'for i, src in enumerate(SNIPPETS):',
    '    cur[0] = i',
    '    try:',
    `        exec(compile(src, "<repro-%d>" % i, "${mode}"), ns)`,
    '    except Exception:',
    '        traceback.print_exc(file=sys.stdout)',
    '        print("ERR[%d]" % i)',
    `print("${REPRO_END}")`,
    '',
  ].join('\n');
}

export interface Score {
  kind: 'script' | 'tests';
  vector: number[];
  fixed: boolean;
  /** False when the output cannot be read as a run of the repro (crashed before the end, no summary). */
  readable: boolean;
}

const squash = (s: string) => s.replace(/\s+/g, '');

/** An output shows an expected value: equal, or containing it when the value is long enough to be telling. */
function shows(out: string, expected: string): boolean {
  const o = squash(out);
  const e = squash(expected);
  const bare = e.replace(/^(['"])(.*)\1$/, '$2');
  if (o === e || o === bare) return true;
  if (/^-?[\d.,]+$/.test(e)) return new RegExp(`(?<![\\d.-])${e.replace(/[.]/g, '\\.')}(?![\\d])`).test(o); // 5.00 is not in -5.00
  return e.length >= 4 && !/^(True|False|None)$/.test(e) && o.includes(e);
}

export function scoreScript(output: string, statement: Statement): Score {
  const body = output.split(TESTS_MARK)[0] ?? output;
  const outs = new Map<number, string>();
  for (const m of body.matchAll(/^OUT\[(\d+)\] (.*)$/gm))
    outs.set(Number(m[1]), `${outs.get(Number(m[1])) ?? ''}${m[2] ?? ''}`);
  const errs = new Set([...body.matchAll(/^ERR\[(\d+)\]$/gm)].map((m) => Number(m[1])));
  const readable = body.includes(REPRO_END);
  const errors = readable ? errs.size : statement.snippets.length + 1;
  const values = statement.script ? body.split('\n') : [...outs.values()];
  // Prose expectations may be met by any output; an inline "`call` -> `value`" only by its own call.
  let matched = statement.expected.filter((e) => values.some((v) => shows(v, e))).length;
  let wanted = statement.expected.length;
  let reproduced = 0;
  statement.snippets.forEach((snippet, i) => {
    const out = outs.get(i);
    if (snippet.expected !== undefined && !statement.expected.includes(snippet.expected)) {
      wanted++;
      if (out !== undefined && shows(out, snippet.expected)) matched++;
    }
    if (snippet.shown === undefined) return;
    const shown = snippet.shown;
    if (statement.expected.some((e) => shows(shown, e))) return; // the reporter showed a correct value
    if (
      /^(Traceback|\w+(Error|Exception))/.test(shown) ? errs.has(i) : out !== undefined && squash(out) === squash(shown)
    )
      reproduced++;
  });
  // While stated expectations are unmet only reaching them counts: merely changing the output is no progress.
  const allMet = matched === wanted;
  return {
    kind: 'script',
    vector: [-errors, matched, allMet ? -reproduced : 0],
    fixed: readable && errors === 0 && allMet && reproduced === 0,
    readable,
  };
}

export interface TestSummary {
  passed: number;
  failed: number;
  errors: number;
  /** A pytest summary line was found. */
  summary: boolean;
}

export function parseTestSummary(output: string): TestSummary {
  const lines = output.split('\n').filter((l) => /\d+ (passed|failed|errors?)\b|no tests ran/.test(l));
  const last = lines.at(-1) ?? '';
  return {
    passed: Number(/(\d+) passed/.exec(last)?.[1] ?? 0),
    failed: Number(/(\d+) failed/.exec(last)?.[1] ?? 0),
    errors: Number(/(\d+) errors?\b/.exec(last)?.[1] ?? 0),
    summary: last !== '',
  };
}

export function scoreTests(output: string): Score {
  const t = parseTestSummary(output.split(TESTS_MARK)[0] ?? output);
  const crashed = /^(ImportError|ModuleNotFoundError|SyntaxError|ERROR: )/m.test(output) && t.passed === 0;
  return {
    kind: 'tests',
    vector: [-(t.failed + t.errors + (crashed ? 1 : 0)), t.passed],
    fixed: t.summary && t.failed === 0 && t.errors === 0 && t.passed > 0 && !crashed,
    readable: t.summary,
  };
}

export function better(a: Score, b: Score): boolean {
  for (let i = 0; i < Math.max(a.vector.length, b.vector.length); i++) {
    const x = a.vector[i] ?? 0;
    const y = b.vector[i] ?? 0;
    if (x !== y) return x > y;
  }
  return false;
}

/** The visible tests did not get worse (unknown summaries cannot be judged, so they pass). */
export function testsHold(after: TestSummary, before: TestSummary | undefined): boolean {
  if (!after.summary) return true;
  const bad = after.failed + after.errors;
  return before?.summary ? bad <= before.failed + before.errors : bad === 0;
}

export interface Frame {
  path: string;
  line: number;
  func?: string;
}

const TEST_FILE = /(^|\/)(tests?|testing)\/|(^|\/)(test_[^/]*|[^/]*_test|conftest)\.py$/;

export function isTestPath(path: string): boolean {
  return TEST_FILE.test(path);
}

/** Traceback frames in the project's own non-test files, deepest first. */
export function extractFrames(output: string): Frame[] {
  const frames: Frame[] = [];
  const re = /File "([^"]+)", line (\d+)(?:, in (\S+))?|^(\S+\.py):(\d+): in (\S+)/gm;
  for (const m of output.matchAll(re)) {
    const path = (m[1] ?? m[4] ?? '').replace(/^\.\//, '');
    const frame: Frame = { path, line: Number(m[2] ?? m[5]) };
    const func = m[3] ?? m[6];
    if (func) frame.func = func;
    if (
      path.startsWith('<') ||
      /site-packages|dist-packages|\/lib\/python\d|evolve_repro/.test(path) ||
      isTestPath(path)
    )
      continue;
    frames.push(frame);
  }
  const seen = new Set<string>();
  return frames.reverse().filter((f) => !seen.has(`${f.path}:${f.line}`) && seen.add(`${f.path}:${f.line}`));
}
