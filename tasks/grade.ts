import { randomBytes } from 'node:crypto';
import type { FsChange, Sandbox } from '../evaluator/sandbox/types.js';
import { GradingError } from './errors.js';
import { failed, getParser, passed, type StatusMap } from './parsers/index.js';
import type { Task } from './schema.js';
import { keepFiles, patchPaths } from './patch.js';
import { flagsFromChanges, flagsFromPatch } from './tamper.js';
import { REWARD_FILE, REWARD_JSON, TESTS_DIR } from './terminal-bench.js';

// Grading from hidden tests the agent never saw. SWE-bench: strip test-file edits from the model patch, apply it
// (git apply, then fuzzier fallbacks, as upstream), apply the test patch, run the tests between markers, parse
// the log per test, resolved iff every FAIL_TO_PASS and PASS_TO_PASS test passes. Terminal-Bench: copy the tests
// in after the agent is done, run them, and read pytest results (old layout) or the reward file (new layout).

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

export interface GradeResult {
  resolved: boolean;
  report: Record<string, unknown>;
}

export interface GradeOptions {
  /** What the agent's sandbox changed against its image (Terminal-Bench graded from a snapshot; see tamper.ts). */
  changes?: FsChange[];
  /** false: a run flagged for tampering keeps the tests' verdict (evolve.json grading.flaggedRunsUnresolved). */
  flaggedRunsUnresolved?: boolean;
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

/** The last bytes of a test log kept in a report, so a harness that never produced a verdict can be read later. */
const LOG_TAIL_BYTES = 64 << 10;
const tail = (log: string) => (log.length > LOG_TAIL_BYTES ? log.slice(-LOG_TAIL_BYTES) : log);

/** Harbor's reward: reward.json (its `reward`, or its one number) wins over reward.txt; undefined when neither says. */
async function readReward(sandbox: Sandbox): Promise<{ reward?: number; rewards?: Record<string, number> }> {
  const json = await sandbox.readFile(REWARD_JSON).catch(() => undefined);
  if (json !== undefined && json.trim()) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch {
      return {};
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    const rewards = Object.fromEntries(
      Object.entries(parsed).filter((e): e is [string, number] => typeof e[1] === 'number'),
    );
    const values = Object.values(rewards);
    const reward = rewards.reward ?? (values.length === 1 ? values[0] : undefined);
    if (reward !== undefined) return { reward, rewards };
  }
  const text = (await sandbox.readFile(REWARD_FILE).catch(() => '')).trim();
  const reward = text ? Number(text) : Number.NaN;
  return Number.isFinite(reward) ? { reward } : {};
}

/**
 * Terminal-Bench grading as its harnesses do it, in the state the agent left. v1: tests/ and run-tests.sh copied to
 * /tests, `bash /tests/run-tests.sh` run as root from the image's WORKDIR with TEST_DIR=/tests, its output parsed.
 * Harbor: tests/ copied to /tests, `bash /tests/test.sh` run likewise, the verdict read from /logs/verifier.
 */
async function gradeTerminalBench(
  task: Task & { grader: { kind: 'terminal-bench' } },
  sandbox: Sandbox,
): Promise<GradeResult> {
  const g = task.grader;
  const harbor = g.mode === 'reward';
  await sandbox.copyIn(g.testsDir, TESTS_DIR);
  if (!harbor) await sandbox.writeFile(`${TESTS_DIR}/run-tests.sh`, g.testScript);
  await sealTests(sandbox, TESTS_DIR);
  const r = await sandbox.exec(
    `rm -f ${REWARD_FILE} ${REWARD_JSON}; mkdir -p /logs/verifier /logs/agent; bash ${TESTS_DIR}/${harbor ? 'test.sh' : 'run-tests.sh'}`,
    {
      cwd: task.environment.workdir,
      env: { ...g.env, TEST_DIR: TESTS_DIR },
      user: 'root',
      timeoutMs: task.limits.testTimeoutSec * 1000,
      outputCapBytes: 16 << 20,
    },
  );
  if (r.timedOut)
    return {
      resolved: false,
      report: { task_id: task.id, resolved: false, timed_out: true, test_timeout_sec: task.limits.testTimeoutSec },
    };
  if (harbor) {
    const { reward, rewards } = await readReward(sandbox);
    if (reward === undefined)
      throw new GradingError(
        'no_test_output',
        `${task.id}: tests/test.sh wrote no reward to ${REWARD_JSON} or ${REWARD_FILE} (exit ${r.exitCode}); the verifier never ran to the end`,
        { task_id: task.id, resolved: null, test_exit_code: r.exitCode, verifier_log: tail(r.output) },
      );
    const resolved = reward >= 1;
    return { resolved, report: { task_id: task.id, resolved, reward, ...(rewards ? { rewards } : {}) } };
  }
  const map = getParser(g.logParser)(r.output);
  if (map.size === 0)
    throw new GradingError(
      'no_test_output',
      `${task.id}: the tests printed no results (exit ${r.exitCode}): ${r.output.trim().slice(-400)}`,
      { task_id: task.id, resolved: null, test_exit_code: r.exitCode, test_log: tail(r.output) },
    );
  const results = Object.fromEntries(map);
  const resolved = [...map.values()].every((s) => s === 'PASSED' || s === 'XFAIL');
  return { resolved, report: { task_id: task.id, resolved, parser_results: results } };
}

/**
 * Grades a finished run. SWE-bench tasks are graded in a fresh, prepared sandbox from the patch alone.
 * Terminal-Bench tasks are graded on the state the agent left (a fresh sandbox of its frozen filesystem); the patch
 * is unused. Either way, what the agent did to the grader (tamper.ts) is flagged in the report as `grading_flags`,
 * and a flagged run is unresolved unless options.flaggedRunsUnresolved is false (`resolved_by_tests` keeps the
 * tests' own verdict).
 */
export async function gradeTask(
  task: Task,
  sandbox: Sandbox,
  patch: string,
  options: GradeOptions = {},
): Promise<GradeResult> {
  const swe = task.grader.kind === 'swebench';
  const flags = swe
    ? flagsFromPatch(stripTestFiles(patch, (task.grader as { testPatch: string }).testPatch).patch)
    : flagsFromChanges(options.changes ?? [], { testsDir: TESTS_DIR, rewardFile: REWARD_FILE });
  let graded: GradeResult;
  try {
    if (swe) graded = await gradeSwe(task as Task & { grader: { kind: 'swebench' } }, sandbox, patch);
    else {
      await clearHidden(sandbox);
      graded = await gradeTerminalBench(task as Task & { grader: { kind: 'terminal-bench' } }, sandbox);
    }
  } catch (error) {
    // A flagged run whose tests printed nothing (a fake runner exiting early) is unresolved, never an infra error.
    if (!(flags.length && error instanceof GradingError && error.kind === 'no_test_output')) throw error;
    graded = { resolved: false, report: { task_id: task.id, resolved: false, no_test_output: true } };
  }
  if (flags.length === 0) return graded;
  const resolved = graded.resolved && options.flaggedRunsUnresolved === false;
  return {
    resolved,
    report: { ...graded.report, resolved, resolved_by_tests: graded.resolved, grading_flags: flags },
  };
}

/** Whatever the agent left where the hidden tests and the verdict go is removed before they are put there. */
async function clearHidden(sandbox: Sandbox): Promise<void> {
  const dirs = [TESTS_DIR, REWARD_FILE.slice(0, REWARD_FILE.lastIndexOf('/'))];
  const r = await sandbox.exec(`rm -rf ${dirs.join(' ')}`, { cwd: '/', user: 'root', timeoutMs: 60_000 });
  if (r.exitCode !== 0)
    throw new GradingError('grader_failed', `cannot clear ${dirs.join(' and ')} before grading: ${r.output.trim()}`);
}

/** The hidden tests belong to root and nobody may write them (the sandbox user included). */
async function sealTests(sandbox: Sandbox, dir: string): Promise<void> {
  const r = await sandbox.exec(`chown -R 0:0 ${dir} && chmod -R a-w,a+rX ${dir}`, {
    cwd: '/',
    user: 'root',
    timeoutMs: 60_000,
  });
  if (r.exitCode !== 0) throw new GradingError('grader_failed', `cannot seal ${dir}: ${r.output.trim()}`);
}

/**
 * Where a task is graded: 'fresh' (a new sandbox + the patch) or 'in-place' (the state the agent left: a fresh
 * sandbox of its frozen filesystem where the provider can freeze one, else its own sandbox once it stopped).
 */
export function gradingMode(task: Task): 'fresh' | 'in-place' {
  return task.kind === 'terminal-bench' ? 'in-place' : 'fresh';
}
