import { writeFileSync } from 'node:fs';

// A realistic trajectory file (the format agent/trajectory.ts writes) for the TUI's tests, bench and demos: a task,
// model turns with usage, tool calls whose output runs to many lines, a failing test run, and run_end.

const at = '2026-11-01T10:00:00.000Z';
const genome = {
  model: 'offline',
  planning: { name: 'none', params: {} },
  tools: { name: 'editor', params: {} },
  memory: { name: 'full', params: {} },
  prompt: { name: 'detailed', params: {} },
  budgets: { steps: 30, wallClockSec: 600 },
};

function modelCall(seq: number, text: string, tool: { name: string; input: unknown }) {
  return {
    type: 'model_call',
    ts: seq * 1000,
    step: seq,
    at,
    seq,
    provider: 'offline',
    modelId: 'offline',
    request: {
      purpose: 'agent',
      systemSha: '0123456789abcdef',
      systemChars: 900,
      messageCount: seq * 2,
      newMessages: [],
      toolNames: ['bash', 'edit'],
      maxTokens: 4096,
    },
    response: {
      content: [
        { type: 'text', text },
        { type: 'tool_call', id: `call-${seq}`, ...tool },
      ],
      stopReason: 'tool_use',
      usage: { inputTokens: 1200 * seq, outputTokens: 80 },
      modelId: 'offline',
    },
    usage: { inputTokens: 1200 * seq, outputTokens: 80 },
    latencyMs: 350,
    costUsd: 0.0021 * seq,
    retries: [],
  };
}

function toolCall(step: number, command: string, output: string, exitCode: number) {
  return {
    type: 'tool_call',
    ts: step * 1000 + 500,
    step,
    callId: `call-${step}`,
    name: 'bash',
    args: { command },
    status: 'ok',
    exitCode,
    output,
    truncated: false,
    durationMs: 120,
  };
}

/** Events of one failed run; `steps` repeats the read-and-test loop, `outputLines` sets each listing's length. */
export function trajectoryEvents(o: { steps?: number; outputLines?: number } = {}): object[] {
  const steps = o.steps ?? 4;
  const listing = Array.from(
    { length: o.outputLines ?? 60 },
    (_, i) => `src/calc/module_${String(i).padStart(3, '0')}.py`,
  ).join('\n');
  const events: object[] = [
    {
      type: 'run_start',
      ts: 0,
      step: 0,
      taskId: 'task-000',
      workdir: '/work',
      genome,
      genomeHash: 'h0',
      tools: ['bash', 'edit'],
      system: 'You are a careful engineer.',
      instance: 'Fix the rounding bug in calc.add so that add(0.1, 0.2) == 0.3.',
    },
  ];
  for (let s = 1; s <= steps; s++) {
    events.push(
      modelCall(s, s === 1 ? 'Let me look at the files first.' : `Attempt ${s}: re-run the tests after the edit.`, {
        name: 'bash',
        input: { command: s === 1 ? 'ls -R src' : 'python3 -m pytest -q' },
      }),
    );
    events.push(
      s === 1
        ? toolCall(s, 'ls -R src', listing, 0)
        : toolCall(
            s,
            'python3 -m pytest -q',
            `F.\n=== FAILURES ===\n___ test_add ___\n    assert add(0.1, 0.2) == 0.3\nE   AssertionError: assert 0.30000000000000004 == 0.3\nFAILED tests/test_calc.py::test_add\n1 failed, 1 passed in 0.04s`,
            1,
          ),
    );
  }
  events.push({
    type: 'run_end',
    ts: steps * 1000 + 900,
    step: steps,
    exitReason: 'step_limit',
    usage: {
      inputTokens: 6000,
      outputTokens: 320,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      costUsd: 0.021,
      modelCalls: steps,
    },
    steps,
    durationMs: steps * 1000 + 900,
    diffChars: 0,
  });
  return events;
}

export function writeTrajectoryFixture(path: string, o: { steps?: number; outputLines?: number } = {}): string {
  writeFileSync(
    path,
    trajectoryEvents(o)
      .map((e) => JSON.stringify(e))
      .join('\n') + '\n',
  );
  return path;
}
