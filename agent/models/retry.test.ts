import { describe, expect, it } from 'vitest';
import { classifyHttpFailure, parseRetryAfter } from './http-errors.js';
import { backoffDelay, defaultRetryPolicy, RetryingModel } from './retry.js';
import { ScriptedModel, say } from './scripted.js';
import { firstRequest } from './testing/wire.js';
import type { Model, ModelRequest, ModelResponse, RetryNotice } from './types.js';
import { ModelError } from './types.js';

function recordingSleep() {
  const slept: number[] = [];
  return { slept, deps: { sleep: async (ms: number) => void slept.push(ms), random: () => 0.5 } };
}

describe('backoffDelay', () => {
  const policy = { ...defaultRetryPolicy, baseDelayMs: 100, maxDelayMs: 1_000 };
  it('doubles per attempt with jitter inside [step/2, step], capped', () => {
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffDelay(a, policy, () => 0))).toEqual([50, 100, 200, 400, 500, 500]);
    expect([1, 2, 3].map((a) => backoffDelay(a, policy, () => 1))).toEqual([100, 200, 400]);
  });
  it('uses the server retry-after, cut to maxRetryAfterMs', () => {
    expect(backoffDelay(1, policy, () => 0, 7_000)).toBe(7_000);
    expect(backoffDelay(1, { ...policy, maxRetryAfterMs: 2_000 }, () => 0, 7_000)).toBe(2_000);
  });
});

describe('parseRetryAfter', () => {
  it('reads retry-after-ms, seconds and HTTP dates', () => {
    expect(parseRetryAfter(new Headers({ 'retry-after-ms': '1500' }))).toBe(1500);
    expect(parseRetryAfter(new Headers({ 'retry-after': '2' }))).toBe(2000);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:03 GMT' }), now)).toBe(3000);
    expect(parseRetryAfter(new Headers({}))).toBeUndefined();
  });
});

describe('classifyHttpFailure', () => {
  const base = { provider: 'p', modelId: 'm', headers: undefined, codes: [] };
  it.each([
    [401, 'bad key', [], 'auth', false],
    [403, 'forbidden', [], 'auth', false],
    [404, 'no such model', [], 'not_found', false],
    [429, 'slow down', [], 'rate_limited', true],
    [529, 'Overloaded', ['overloaded_error'], 'overloaded', true],
    [500, 'oops', [], 'server', true],
    [502, 'bad gateway', [], 'server', true],
    [400, 'the request exceeds the available context size', ['exceed_context_size_error'], 'context_overflow', false],
    [400, 'Invalid prompt: flagged by content_policy', [], 'refusal', false],
    [422, 'tools[0] invalid', [], 'bad_request', false],
  ] as const)('%i %s -> %s', (status, message, codes, kind, retryable) => {
    const error = classifyHttpFailure({ ...base, status, message, codes: [...codes] });
    expect([error.kind, error.retryable]).toEqual([kind, retryable]);
  });
});

describe('RetryingModel', () => {
  it('retries retryable errors with growing delays, reports them, then succeeds', async () => {
    const inner = new ScriptedModel([
      new ModelError('server', 'a', 500, true),
      new ModelError('overloaded', 'b', 529, true),
      say('ok'),
    ]);
    const { slept, deps } = recordingSleep();
    const notices: RetryNotice[] = [];
    const model = new RetryingModel(inner, { baseDelayMs: 100 }, deps);
    const response = await model.generate(firstRequest(), { onRetry: (n) => notices.push(n) });
    expect(response.content).toEqual([{ type: 'text', text: 'ok' }]);
    expect(slept).toEqual([75, 150]);
    expect(notices).toEqual([
      { attempt: 1, kind: 'server', status: 500, message: 'a', delayMs: 75 },
      { attempt: 2, kind: 'overloaded', status: 529, message: 'b', delayMs: 150 },
    ]);
  });

  it('does not retry what waiting cannot fix', async () => {
    const inner = new ScriptedModel([new ModelError('auth', 'bad key', 401), say('never')]);
    const model = new RetryingModel(inner, {}, recordingSleep().deps);
    await expect(model.generate(firstRequest())).rejects.toMatchObject({ kind: 'auth' });
    expect(inner.requests).toHaveLength(1);
  });

  it('stops after maxRetries', async () => {
    const inner = new ScriptedModel(Array.from({ length: 5 }, () => new ModelError('rate_limited', 'x', 429, true)));
    const model = new RetryingModel(inner, { maxRetries: 2 }, recordingSleep().deps);
    await expect(model.generate(firstRequest())).rejects.toMatchObject({ kind: 'rate_limited' });
    expect(inner.requests).toHaveLength(3);
  });

  it('turns a hung attempt into a timeout and passes the abort signal down', async () => {
    let seen: AbortSignal | undefined;
    const hanging: Model = {
      provider: 'test',
      modelId: 'hang',
      generate: (_r: ModelRequest, options) =>
        new Promise<ModelResponse>((_, reject) => {
          seen = options?.signal;
          options?.signal?.addEventListener('abort', () => reject(new Error('aborted')));
        }),
    };
    const model = new RetryingModel(hanging, { timeoutMs: 30, maxRetries: 0 });
    await expect(model.generate(firstRequest())).rejects.toMatchObject({ kind: 'timeout', retryable: true });
    expect(seen?.aborted).toBe(true);
  });

  it('stops waiting when the caller cancels', async () => {
    const inner = new ScriptedModel([new ModelError('server', 'a', 500, true), say('never')]);
    const controller = new AbortController();
    const model = new RetryingModel(inner, { baseDelayMs: 10_000 });
    setTimeout(() => controller.abort(), 20);
    const started = Date.now();
    await expect(model.generate(firstRequest(), { signal: controller.signal })).rejects.toMatchObject({
      kind: 'timeout',
      retryable: false,
    });
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
