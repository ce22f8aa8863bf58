import type { Sandbox } from '../../evaluator/sandbox/types.js';
import { GradingError } from '../errors.js';
import { getParser } from '../parsers/index.js';
import type { Task } from '../schema.js';
import { flagsFromChanges, pluginFlags } from '../tamper.js';
import { REWARD_FILE, REWARD_JSON, TESTS_DIR } from '../terminal-bench.js';
import type { GradeResult, TaskGrader } from './grader.js';

// Terminal-Bench (v1) and Harbor as their harnesses grade: on the state the agent left (a fresh sandbox of its
// frozen filesystem), the tests copied in after the agent is done, root-owned and read-only; v1's pytest results
// parsed, Harbor's reward file read.

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

type TerminalBenchTask = Task & { grader: { kind: 'terminal-bench' } };

export const terminalBenchGrader: TaskGrader<TerminalBenchTask> = {
  kind: 'terminal-bench',
  where: 'in-place',
  // Their harnesses run the agent as the image's user: root unless the task says otherwise.
  agentUser: 'root',
  flags: (_task, _patch, changes) => flagsFromChanges(changes, { testsDir: TESTS_DIR, rewardFile: REWARD_FILE }),
  contentFlags: pluginFlags,
  grade: async (task, sandbox) => {
    await clearHidden(sandbox);
    return gradeTerminalBench(task, sandbox);
  },
};
