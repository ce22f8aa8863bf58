import { randomBytes } from 'node:crypto';
import type { Sandbox } from '../../evaluator/sandbox/types.js';
import { GradingError } from '../errors.js';
import { failed, getParser, passed, type StatusMap } from '../parsers/index.js';
import { keepFiles, patchPaths } from '../patch.js';
import type { Task } from '../schema.js';
import { flagsFromPatch } from '../tamper.js';
import type { GradeResult, TaskGrader } from './grader.js';

// SWE-bench as its harness grades: in a fresh sandbox from the patch alone. Strip test-file edits from the model
// patch, apply it (git apply, then fuzzier fallbacks, as upstream), apply the test patch, run the tests between
// markers, parse the log per test (the parser and command per repository: swebench-specs.ts), resolved iff every
// FAIL_TO_PASS and PASS_TO_PASS test passes.

const START = '>>>>> Start Test Output';
const END = '>>>>> End Test Output';
const APPLY = ['git apply --verbose', 'git apply --verbose --reject', 'patch --batch --fuzz=5 -p1 -i'];
const APPLY_TIMEOUT_SEC = 60;
const MODEL_PATCH = '/tmp/evolve-model.patch';
const TEST_PATCH = '/tmp/evolve-test.patch';
const TEST_PATH = /(^|\/)(tests?|testing)\/|(^|\/)test_[^/]*\.py$|_test\.py$|(^|\/)conftest\.py$/;

export interface SweReport {
  patch_is_None: boolean;
  patch_exists: boolean;
  patch_successfully_applied: boolean;
  resolved: boolean;
  /** Test files the model patch changed; those changes were stripped before grading. */
  touched_test_files: string[];
  tests_status: {
    FAIL_TO_PASS: { success: string[]; failure: string[] };
    PASS_TO_PASS: { success: string[]; failure: string[] };
  };
  timed_out?: boolean;
}

/** The model patch without the files that are tests (the test patch's own, or named like tests), and which those were. */
export function stripTestFiles(patch: string, testPatch: string): { patch: string; touched: string[] } {
  const hidden = new Set(patchPaths(testPatch));
  const isTest = (p: string | undefined) => p !== undefined && (hidden.has(p) || TEST_PATH.test(p));
  const kept = keepFiles(patch, (f) => isTest(f.from) || isTest(f.to));
  return { patch: kept.patch, touched: kept.dropped.map((f) => (f.to ?? f.from)!) };
}

/**
 * One command for the whole SWE-bench grading, so it costs one round trip to the sandbox: apply the model patch
 * (each fallback in turn), then the test patch, then run the tests between markers. Lines tagged with a nonce the
 * graded code cannot know say how far it got; the tests run under `timeout`, so a hang is told from a failure.
 */
function sweGradingScript(
  g: { testCommand: string },
  nonce: string,
  applyModel: boolean,
  testTimeoutSec: number,
): string {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  return [
    ...(applyModel
      ? [
          'applied=1',
          ...APPLY.map(
            (cmd) => `[ $applied = 0 ] || { timeout ${APPLY_TIMEOUT_SEC} ${cmd} ${MODEL_PATCH} && applied=0; }`,
          ),
          `echo "${nonce} model $applied"`,
          '[ $applied = 0 ] || exit 0',
        ]
      : []),
    `timeout ${APPLY_TIMEOUT_SEC} git apply --verbose ${TEST_PATCH}; t=$?; echo "${nonce} test $t"; [ $t = 0 ] || exit 0`,
    `echo '${START}'`,
    `timeout -k 5 ${testTimeoutSec} bash -c ${q(g.testCommand)}; t=$?; echo "${nonce} tests $t"`,
    `echo '${END}'`,
    // The tests' own status, so an out-of-memory kill (137) still reaches the sandbox's check.
    'exit $t',
  ].join('\n');
}

/** The value of the `nonce name value` line, or undefined when the script stopped before it. */
function step(output: string, nonce: string, name: string): number | undefined {
  const m = new RegExp(`^${nonce} ${name} (\\d+)$`, 'm').exec(output);
  return m ? Number(m[1]) : undefined;
}

function testsStatus(map: StatusMap, f2p: string[], p2p: string[]): SweReport['tests_status'] {
  const split = (tests: string[]) => ({
    success: tests.filter((t) => passed(map, t)),
    failure: tests.filter((t) => !passed(map, t) && failed(map, t)),
  });
  return { FAIL_TO_PASS: split(f2p), PASS_TO_PASS: split(p2p) };
}

function between(log: string): string {
  const s = log.indexOf(START);
  const e = log.lastIndexOf(END);
  return s >= 0 ? log.slice(s + START.length, e > s ? e : undefined) : log;
}

async function gradeSwe(
  task: Task & { grader: { kind: 'swebench' } },
  sandbox: Sandbox,
  modelPatch: string,
): Promise<GradeResult> {
  const g = task.grader;
  const workdir = task.environment.workdir;
  const { patch, touched } = stripTestFiles(modelPatch, g.testPatch);
  const empty = { success: [], failure: [] };
  const report: SweReport = {
    patch_is_None: modelPatch.trim() === '',
    patch_exists: patch.trim() !== '',
    patch_successfully_applied: false,
    resolved: false,
    touched_test_files: touched,
    tests_status: { FAIL_TO_PASS: empty, PASS_TO_PASS: empty },
  };
  // An empty patch is never resolved (upstream), but its tests still run: the statuses show what the task needs,
  // and suite validation uses them to catch tasks whose FAIL_TO_PASS tests pass with no change at all.
  const withNewline = (p: string) => (p.endsWith('\n') ? p : `${p}\n`);
  if (report.patch_exists) await sandbox.writeFile(MODEL_PATCH, withNewline(patch));
  await sandbox.writeFile(TEST_PATCH, withNewline(g.testPatch));
  const nonce = `evolve-${randomBytes(8).toString('hex')}`;
  const script = sweGradingScript(g, nonce, report.patch_exists, task.limits.testTimeoutSec);
  // The backstop: the applies' own timeouts, then the tests' (each step kills itself first).
  const r = await sandbox.exec(script, {
    cwd: workdir,
    user: 'root',
    timeoutMs: (task.limits.testTimeoutSec + 3 * APPLY_TIMEOUT_SEC + 30) * 1000,
    outputCapBytes: 16 << 20,
  });
  if (report.patch_exists) {
    report.patch_successfully_applied = step(r.output, nonce, 'model') === 0;
    if (!report.patch_successfully_applied && !r.timedOut) return { resolved: false, report: { ...report } };
  }
  const testApplied = step(r.output, nonce, 'test');
  if (testApplied !== undefined && testApplied !== 0)
    throw new GradingError('test_patch_failed', `${task.id}: the test patch does not apply to the workspace`);
  const testsExit = step(r.output, nonce, 'tests');
  const map = getParser(g.logParser)(between(r.output));
  report.tests_status = testsStatus(map, g.failToPass, g.passToPass);
  if (r.timedOut || testsExit === 124 || testsExit === 137)
    return { resolved: false, report: { ...report, timed_out: true } };
  if (map.size === 0)
    throw new GradingError(
      'no_test_output',
      `${task.id}: the test run printed no test results (exit ${testsExit ?? r.exitCode}): ${r.output.trim().slice(-400)}`,
    );
  const s = report.tests_status;
  report.resolved =
    report.patch_exists &&
    s.FAIL_TO_PASS.failure.length === 0 &&
    s.PASS_TO_PASS.failure.length === 0 &&
    s.FAIL_TO_PASS.success.length === g.failToPass.length;
  return { resolved: report.resolved, report: { ...report } };
}

type SweTask = Task & { grader: { kind: 'swebench' } };

export const swebenchGrader: TaskGrader<SweTask> = {
  kind: 'swebench',
  where: 'fresh',
  agentUser: 'agent',
  flags: (task, patch) => flagsFromPatch(stripTestFiles(patch, task.grader.testPatch).patch),
  grade: (task, sandbox, patch) => gradeSwe(task, sandbox, patch),
};
