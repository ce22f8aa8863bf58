import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExitReason, runAgent, type RunAgentOptions } from './loop.js';
import { ModelError } from './models/types.js';
import { ScriptedModel, say, toolCall, type ScriptedStep } from './models/scripted.js';
import { testGenome, testTask } from './testing/fixtures.js';
import { TempDirSandbox } from './testing/temp-sandbox.js';
import { MemoryTrajectory } from './trajectory.js';

let sandbox: TempDirSandbox;
beforeEach(async () => {
  sandbox = await TempDirSandbox.create({ 'calc.py': 'def add(a, b):\n    return a - b\n' });
});
afterEach(async () => sandbox.dispose());

function run(script: ScriptedStep[], extra: Partial<RunAgentOptions> = {}) {
  const model = new ScriptedModel(script);
  const trajectory = new MemoryTrajectory();
  const promise = runAgent({
    genome: testGenome(),
    task: testTask(sandbox.workdir),
    sandbox,
    model,
    trajectory,
    ...extra,
  });
  return { model, trajectory, promise };
}

describe('runAgent', () => {
  it('fixes a file and submits: diff, usage, steps, trajectory from run_start to run_end', async () => {
    const { promise, trajectory, model } = run([
      toolCall('view', { path: 'calc.py' }),
      toolCall('str_replace', { path: 'calc.py', old_str: 'a - b', new_str: 'a + b' }),
      toolCall('bash', { command: 'python3 -c "from calc import add; print(add(2, 3))"' }),
      toolCall('submit', {}),
    ]);
    const result = await promise;
    expect(result.exitReason).toBe('submitted');
    expect(result.steps).toBe(4);
    expect(result.diff).toContain('+    return a + b');
    expect(result.usage).toMatchObject({ inputTokens: 400, outputTokens: 80, modelCalls: 4 });
    const types = trajectory.events.map((e) => e.type);
    expect(types[0]).toBe('run_start');
    expect(types.at(-1)).toBe('run_end');
    expect(types.filter((t) => t === 'tool_call')).toHaveLength(4);
    const bash = trajectory.events.find((e) => e.type === 'tool_call' && e.name === 'bash');
    expect(bash).toMatchObject({ exitCode: 0, output: expect.stringContaining('5') });
    // The model saw the observation of each call as a tool_result for that call id.
    const last = model.requests[3]!.messages.at(-1)!;
    expect(last.role).toBe('user');
    expect(JSON.stringify(last.content)).toContain('5\\n[exit code 0]');
  });

  it('every exit reason the loop can end with is reached by a test in this file', () => {
    // A new reason without a test that ends a run with it fails here (the tests below expect each by name).
    const text = readFileSync(fileURLToPath(import.meta.url), 'utf8');
    const expected = new Set(
      [...text.matchAll(/exitReason: '(\w+)'|exitReason\)\.toBe\('(\w+)'\)|, '(\w+)'\],$/gm)].map(
        (m) => m[1] ?? m[2] ?? m[3],
      ),
    );
    expect(ExitReason.options.filter((r) => !expected.has(r))).toEqual([]);
  });

  it('step_limit: stops before the model call that would exceed budgets.steps', async () => {
    const { promise, model } = run(
      Array.from({ length: 10 }, () => toolCall('bash', { command: 'true' })),
      { genome: testGenome({ budgets: { steps: 3, wallClockSec: 600 } }) },
    );
    const result = await promise;
    expect(result).toMatchObject({ exitReason: 'step_limit', steps: 3 });
    expect(model.requests).toHaveLength(3);
  });

  it('token_limit: checked before each call against the tokens used so far', async () => {
    const big = {
      content: [{ type: 'tool_call' as const, id: 'x', name: 'bash', input: { command: 'true' } }],
      usage: { inputTokens: 600, outputTokens: 100 },
    };
    const { promise, model } = run([big, big, big], {
      genome: testGenome({ budgets: { steps: 30, tokens: 1000, wallClockSec: 600 } }),
    });
    expect((await promise).exitReason).toBe('token_limit');
    expect(model.requests).toHaveLength(2);
  });

  it('cost_limit: from a cost the response carries', async () => {
    const priced = () =>
      Object.assign(
        { content: [{ type: 'tool_call' as const, id: 'x', name: 'bash', input: { command: 'true' } }] },
        { costUsd: 0.3 },
      );
    const model = new ScriptedModel([]);
    model.generate = async () =>
      ({ ...priced(), stopReason: 'tool_use', usage: { inputTokens: 1, outputTokens: 1 }, modelId: 'm' }) as never;
    const trajectory = new MemoryTrajectory();
    const result = await runAgent({
      genome: testGenome({ budgets: { steps: 30, dollars: 1, wallClockSec: 600 } }),
      task: testTask(sandbox.workdir),
      sandbox,
      model,
      trajectory,
    });
    expect(result.exitReason).toBe('cost_limit');
    expect(result.usage.costUsd).toBeCloseTo(1.2);
    expect(result.steps).toBe(4);
  });

  it('time_limit: the wall clock (injected) is checked before each model call', async () => {
    let clock = 0;
    const now = () => clock;
    const tick = (): ScriptedStep => {
      clock += 250_000;
      return toolCall('bash', { command: 'true' });
    };
    const { promise } = run([tick, tick, tick, tick] as never, { now });
    const result = await promise;
    expect(result.exitReason).toBe('time_limit');
    expect(result.steps).toBe(3);
  });

  it('time_limit: an aborted signal ends the run', async () => {
    const controller = new AbortController();
    const { promise } = run(
      [() => (controller.abort(), toolCall('bash', { command: 'true' })), toolCall('submit', {})] as never,
      { signal: controller.signal },
    );
    expect((await promise).exitReason).toBe('time_limit');
  });

  it.each([
    ['context_overflow', new ModelError('context_overflow', 'prompt is too long'), 'context_overflow'],
    ['budget_exceeded (tokens)', new ModelError('budget_exceeded', 'run budget: 10000 tokens exceeded'), 'token_limit'],
    ['budget_exceeded (dollars)', new ModelError('budget_exceeded', 'run budget: $1.00 exceeded'), 'cost_limit'],
    ['rate_limited', new ModelError('rate_limited', '429'), 'model_error'],
    ['a non-ModelError from the client', new TypeError('socket hang up'), 'model_error'],
  ])('maps %s to %s', async (_label, error, expected) => {
    const { promise, trajectory } = run([toolCall('bash', { command: 'true' }), error]);
    const result = await promise;
    expect(result.exitReason).toBe(expected);
    expect(result.error).toContain(error.message);
    expect(trajectory.events.find((e) => e.type === 'model_call' && e.error)).toBeDefined();
  });

  it('a refusal stop ends the run as model_error with the refusal text, without a nudge', async () => {
    const { promise, model, trajectory } = run([
      toolCall('bash', { command: 'true' }),
      { content: [{ type: 'text', text: 'I cannot help with that.' }], stopReason: 'refusal' },
      toolCall('submit', {}),
    ]);
    const result = await promise;
    expect(result.exitReason).toBe('model_error');
    expect(result.error).toMatch(/ModelError \(refusal\): the model refused the task: I cannot help with that\./);
    expect(model.requests).toHaveLength(2);
    expect(trajectory.events.some((e) => e.type === 'error' && e.kind === 'refusal')).toBe(true);
  });

  it('sandbox_error: a SandboxError from the sandbox ends the run (recognised by name)', async () => {
    const failing = Object.create(sandbox) as TempDirSandbox;
    failing.exec = async () => {
      throw Object.assign(new Error('container is gone'), { name: 'SandboxError', kind: 'container_gone' });
    };
    const { promise } = run([toolCall('bash', { command: 'ls' })], { sandbox: failing });
    const result = await promise;
    expect(result.exitReason).toBe('sandbox_error');
    expect(result.error).toContain('container is gone');
  });

  it('malformed calls go back to the model as error observations and end the run after 3 in a row', async () => {
    const { promise, model, trajectory } = run([
      toolCall('edit_file', { path: 'x' }),
      toolCall('view', {}),
      toolCall('view', '{"path": '),
      toolCall('view', {}),
    ]);
    const result = await promise;
    expect(result.exitReason).toBe('format_error');
    expect(result.steps).toBe(3);
    const observations = model.requests.slice(1).map((r) => JSON.stringify(r.messages.at(-1)));
    expect(observations[0]).toContain('unknown tool `edit_file`');
    expect(observations[1]).toContain('argument `path` is required');
    expect(observations[1]).toContain('"isError":true');
    const statuses = trajectory.events.flatMap((e) => (e.type === 'tool_call' ? [e.status] : []));
    expect(statuses).toEqual(['unknown_tool', 'bad_args', 'bad_args']);
    const last = trajectory.events.find(
      (e) =>
        e.type === 'tool_call' &&
        e.callId === (model.requests[2]!.messages.at(-2)!.content as Array<{ id: string }>)[0]!.id,
    );
    expect(last).toBeDefined();
  });

  it('non-JSON arguments are reported as such', async () => {
    const { promise, model } = run([toolCall('bash', '{"command": "ls'), toolCall('submit', {})]);
    await promise;
    expect(JSON.stringify(model.requests[1]!.messages.at(-1))).toContain('arguments are not valid JSON');
  });

  it('a well-formed call resets the count of consecutive format errors', async () => {
    const { promise } = run([
      toolCall('nope', {}),
      toolCall('nope', {}),
      toolCall('bash', { command: 'true' }),
      toolCall('nope', {}),
      toolCall('nope', {}),
      toolCall('submit', {}),
    ]);
    expect((await promise).exitReason).toBe('submitted');
  });

  it('a text-only reply gets a nudge, counted toward format_error', async () => {
    const { promise, model } = run([say('I think I should look at calc.py'), say('hmm'), say('ok')], {
      maxFormatErrors: 3,
    });
    const result = await promise;
    expect(result.exitReason).toBe('format_error');
    expect(JSON.stringify(model.requests[1]!.messages.at(-1))).toContain('did not call a tool');
  });

  it('a command that times out returns an observation saying so, and the run goes on', async () => {
    const { promise, model, trajectory } = run([
      toolCall('bash', { command: 'sleep 5', timeout_sec: 0.3 }),
      toolCall('submit', {}),
    ]);
    const result = await promise;
    expect(result.exitReason).toBe('submitted');
    expect(JSON.stringify(model.requests[1]!.messages.at(-1))).toContain('timed out after 0.3s');
    const event = trajectory.events.find((e) => e.type === 'tool_call' && e.name === 'bash');
    expect(event).toMatchObject({ timedOut: true });
    expect(event && 'durationMs' in event && event.durationMs).toBeLessThan(3000);
  });

  it('rejects a genome with an unknown policy before doing anything', async () => {
    const { promise, model } = run([toolCall('submit', {})], {
      genome: testGenome({ memory: { name: 'infinite', params: {} } }),
    });
    await expect(promise).rejects.toThrow(/genome.memory: unknown policy "infinite"/);
    expect(model.requests).toHaveLength(0);
  });
});
