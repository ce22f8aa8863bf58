import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ModelCallEventSchema, type ModelCallEvent } from '../../agent/models/call-record.js';
import { createModel } from '../../agent/models/registry.js';
import { ScriptedModel, say, toolCall } from '../../agent/models/scripted.js';
import { startFakeServer, type FakeServer } from '../../agent/models/testing/fake-server.js';
import { anthropicReply, firstRequest, openaiReply, secondRequest } from '../../agent/models/testing/wire.js';
import { ModelError } from '../../agent/models/types.js';
import { runAgent } from '../../agent/loop.js';
import { testGenome, testTask } from '../../agent/testing/fixtures.js';
import { TempDirSandbox } from '../../agent/testing/temp-sandbox.js';
import { MemoryTrajectory } from '../../agent/trajectory.js';
import { Budget, budgetLimitsFromConfig } from './budget.js';
import { generationBudget, openRunGateway } from './for-run.js';
import { createGateway } from './gateway.js';
import { costOf, findPrice } from './prices.js';
import { MODEL_PROVIDERS } from '../../agent/models/providers/index.js';
import { MODEL_KEYS } from '../doctor/index.js';

async function failure(promise: Promise<unknown>): Promise<ModelError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ModelError);
  return error as ModelError;
}

describe('prices', () => {
  it('computes cost from the four token counts', () => {
    const price = findPrice('anthropic/claude-sonnet-4-5')!;
    // 1000 x $3 + 500 x $15 + 10000 x $0.30 + 2000 x $3.75 per million
    expect(
      costOf({ inputTokens: 1000, outputTokens: 500, cacheReadTokens: 10_000, cacheWriteTokens: 2_000 }, price),
    ).toBeCloseTo(0.021, 10);
  });

  it('finds dated snapshots by prefix, lets config override, and knows nothing of local servers', () => {
    expect(findPrice('anthropic/claude-sonnet-4-5-20250929')).toEqual(findPrice('anthropic/claude-sonnet-4-5'));
    expect(findPrice('openai/gpt-4o-mini-2024-07-18')?.input).toBe(0.15);
    expect(findPrice('openai/gpt-4o', { 'openai/gpt-4o': { input: 1, output: 2 } })).toEqual({ input: 1, output: 2 });
    expect(findPrice('openai-compatible/qwen2.5-coder')).toBeUndefined();
    // A newer model is not a snapshot of an older one: no borrowed price.
    expect(findPrice('anthropic/claude-opus-4-6')).toBeUndefined();
    expect(findPrice('openai/gpt-4o-audio-preview')).toBeUndefined();
    expect(findPrice('replay/anthropic/claude-sonnet-4-5')?.input).toBe(0);
  });

  it('falls back to the input price for cache tokens, and is undefined when anything needed is unknown', () => {
    expect(
      costOf({ inputTokens: 1_000_000, outputTokens: 0, cacheReadTokens: 1_000_000 }, { input: 2, output: 8 }),
    ).toBe(4);
    expect(costOf({ inputTokens: 10, outputTokens: 10 }, undefined)).toBeUndefined();
    expect(costOf({ outputTokens: 10 }, { input: 1, output: 1 })).toBeUndefined();
  });
});

describe('gateway', () => {
  it('meters each call, records one event per call, and keeps agent spend apart from proposer spend', async () => {
    const events: ModelCallEvent[] = [];
    const inner = new ScriptedModel(
      [toolCall('read_file', { path: 'a.py' }, 'c1'), say('done'), say('idea')],
      'claude-haiku-4-5',
    );
    Object.assign(inner, { provider: 'anthropic' });
    const gateway = createGateway(inner, { sink: (e) => events.push(e), env: {} });

    await gateway.generate(firstRequest());
    await gateway.generate(secondRequest('c1'));
    await gateway.generate({ ...firstRequest(), purpose: 'proposer' });

    expect(events.map((e) => [e.seq, e.request.purpose, e.response?.stopReason])).toEqual([
      [1, 'agent', 'tool_use'],
      [2, 'agent', 'end_turn'],
      [3, 'proposer', 'end_turn'],
    ]);
    for (const event of events) expect(() => ModelCallEventSchema.parse(event)).not.toThrow();
    // Scripted usage: 100 in + 20 out at $1 / $5 per million.
    expect(events[0]!.costUsd).toBeCloseTo(0.0002, 12);
    expect(gateway.spendByPurpose.get('agent')).toMatchObject({ calls: 2, tokens: 240 });
    expect(gateway.spendByPurpose.get('proposer')).toMatchObject({ calls: 1, tokens: 120 });
    expect(gateway.spent.dollars).toBeCloseTo(0.0006, 12);
    // The second call's summary holds only what is new since the assistant's turn: the tool result.
    expect(events[1]!.request.newMessages).toEqual([secondRequest('c1').messages[2]]);
    expect(events[1]!.request.messageCount).toBe(3);
  });

  it('leaves cost undefined when the price is unknown, and counts the call as unpriced', async () => {
    const events: ModelCallEvent[] = [];
    const inner = new ScriptedModel([say('hi')], 'mystery-model');
    Object.assign(inner, { provider: 'openai-compatible' });
    const gateway = createGateway(inner, { sink: (e) => events.push(e), env: {} });
    await gateway.generate(firstRequest());
    expect(events[0]!.costUsd).toBeUndefined();
    expect(gateway.spent).toMatchObject({ calls: 1, dollars: 0, unpricedCalls: 1 });
  });

  it('stops a run at its call budget before the call is made, and records why', async () => {
    const events: ModelCallEvent[] = [];
    const inner = new ScriptedModel([say('1'), say('2'), say('3')]);
    const gateway = createGateway(inner, {
      budgets: [new Budget('run t1', { calls: 2 })],
      sink: (e) => events.push(e),
      env: {},
    });
    await gateway.generate(firstRequest());
    await gateway.generate(firstRequest());
    const error = await failure(gateway.generate(firstRequest()));
    expect(error.kind).toBe('budget_exceeded');
    expect(error.message).toContain('run t1');
    expect(error.hint).toBeTruthy();
    expect(inner.requests).toHaveLength(2); // the third call never reached the model
    expect(events.at(-1)?.error?.kind).toBe('budget_exceeded');
  });

  it('shares a generation budget in dollars across runs', async () => {
    const generation = new Budget('generation 4', { dollars: 0.001 });
    const price = { 'scripted/scripted': { input: 2, output: 10 } }; // 100 x 2 + 20 x 10 = $0.0004 per call
    const run = () =>
      createGateway(new ScriptedModel([say('a'), say('b')]), {
        budgets: [new Budget('run', {}), generation],
        prices: price,
        env: {},
      });
    const runA = run();
    const runB = run();
    await runA.generate(firstRequest());
    await runB.generate(firstRequest());
    await runA.generate(firstRequest()); // $0.0012 spent now
    expect((await failure(runB.generate(firstRequest()))).kind).toBe('budget_exceeded');
    expect(generation.spent.calls).toBe(3);
    expect(generation.spent.dollars).toBeCloseTo(0.0012, 12);
  });

  it('limits tokens, and a budget scoped to agent calls ignores proposer calls', async () => {
    const agentOnly = new Budget('run', { tokens: 120 }, { purposes: ['agent'] });
    const gateway = createGateway(new ScriptedModel([say('a'), say('b'), say('c')]), { budgets: [agentOnly], env: {} });
    await gateway.generate({ ...firstRequest(), purpose: 'proposer' });
    await gateway.generate(firstRequest());
    expect(agentOnly.spent.tokens).toBe(120);
    expect((await failure(gateway.generate(firstRequest()))).kind).toBe('budget_exceeded');
  });

  it('reads budget limits from the config section', () => {
    expect(budgetLimitsFromConfig({ runDollars: 2, runCalls: 50, generationTokens: 9 }, 'run')).toEqual({
      dollars: 2,
      calls: 50,
    });
    expect(budgetLimitsFromConfig({ runDollars: 2, generationTokens: 9 }, 'generation')).toEqual({ tokens: 9 });
  });
});

describe("the genome's own dollar budget", () => {
  it('fires through the gateway: the response carries its cost, so the loop stops at cost_limit', async () => {
    const sandbox = await TempDirSandbox.create({ 'a.py': 'x = 1\n' });
    try {
      // 100 input + 20 output tokens a call at $1000/$1000 per million: $0.12 a call against a $0.30 genome budget.
      const gateway = createGateway(
        new ScriptedModel(Array.from({ length: 10 }, () => toolCall('bash', { command: 'true' }))),
        {
          prices: { 'scripted/scripted': { input: 1000, output: 1000 } },
          env: {},
        },
      );
      const result = await runAgent({
        genome: testGenome({ budgets: { steps: 30, dollars: 0.3, wallClockSec: 600 } }),
        task: testTask(sandbox.workdir),
        sandbox,
        model: gateway,
        trajectory: new MemoryTrajectory(),
      });
      expect(result.exitReason).toBe('cost_limit');
      expect(result.usage.modelCalls).toBe(3);
      expect(result.usage.costUsd).toBeCloseTo(0.36);
    } finally {
      await sandbox.dispose();
    }
  });
});

describe('gateway around the real clients', () => {
  let server: FakeServer;
  beforeEach(async () => {
    server = await startFakeServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('records retries and never lets a key into the trajectory, even when a tool echoes it', async () => {
    const anthropicKey = 'sk-ant-api03-SECRETSECRETSECRET-0123456789';
    const otherToken = 'ghp_0123456789abcdefghijABCDEFGHIJ';
    const env = {
      ANTHROPIC_API_KEY: anthropicKey,
      ANTHROPIC_BASE_URL: server.url,
      GITHUB_TOKEN: otherToken,
      DB_SECRET: 'hunter2hunter2',
    };
    const inner = await createModel('anthropic/claude-haiku-4-5', { env, retry: { baseDelayMs: 5 }, maxRetries: 2 });
    const lines: string[] = [];
    const gateway = createGateway(inner, { env, sink: (e) => lines.push(JSON.stringify(e)) });

    server.reply(
      anthropicReply.error(429, 'rate_limit_error', `slow down, key ${anthropicKey.slice(0, 30)}…`),
      anthropicReply.toolUse('toolu_1', 'read_file', { path: '.env' }),
      anthropicReply.text(`I found ANTHROPIC_API_KEY=${anthropicKey} and hunter2hunter2`),
    );
    await gateway.generate(firstRequest());
    const leaking = secondRequest('toolu_1');
    const toolResult = leaking.messages[2]!;
    if (
      toolResult.role === 'user' &&
      typeof toolResult.content !== 'string' &&
      toolResult.content[0]?.type === 'tool_result'
    ) {
      toolResult.content[0].content = `ANTHROPIC_API_KEY=${anthropicKey}\nGITHUB_TOKEN=${otherToken}\nOPENAI_API_KEY=sk-proj-neverInOurEnv0123456789`;
    }
    const response = await gateway.generate(leaking);
    // The agent itself gets the response unchanged; only the record is redacted.
    expect(response.content[0]).toEqual({
      type: 'text',
      text: `I found ANTHROPIC_API_KEY=${anthropicKey} and hunter2hunter2`,
    });

    const trajectory = lines.join('\n');
    for (const secret of [
      anthropicKey,
      otherToken,
      'hunter2hunter2',
      'sk-proj-neverInOurEnv0123456789',
      anthropicKey.slice(0, 30),
    ]) {
      expect(trajectory).not.toContain(secret);
    }
    expect(trajectory).toContain('[REDACTED]');
    const first = JSON.parse(lines[0]!) as ModelCallEvent;
    expect(first.retries.map((r) => [r.kind, r.status])).toEqual([['rate_limited', 429]]);
    expect(first.costUsd).toBeCloseTo((1200 * 1 + 40 * 5 + 1000 * 1.25) / 1e6, 12);
  });

  it('records a failed call with its error kind', async () => {
    const env = { OPENAI_API_KEY: 'sk-test-abcdefghijklmnop', OPENAI_BASE_URL: `${server.url}/v1` };
    const inner = await createModel('openai/gpt-4o', { env, maxRetries: 0 });
    const events: ModelCallEvent[] = [];
    const gateway = createGateway(inner, { env, sink: (e) => events.push(e) });
    server.reply(openaiReply.error(400, 'maximum context length is 128000 tokens', 'context_length_exceeded'));
    expect((await failure(gateway.generate(firstRequest()))).kind).toBe('context_overflow');
    expect(events[0]).toMatchObject({ error: { kind: 'context_overflow', status: 400 }, usage: {} });
    expect(events[0]!.response).toBeUndefined();
    expect(gateway.spent.calls).toBe(1);
  });
});

describe('openRunGateway', () => {
  it('wires a model name and evolve.json budgets into a gateway sharing the generation budget', async () => {
    // The shape of evolve.json's sections (lineage/config.ts); evaluator/ does not import lineage/.
    const config = {
      budgets: { runCalls: 1, generationCalls: 3 },
      models: { prices: { 'scripted/scripted': { input: 1, output: 1 } } },
    };
    const generation = generationBudget(config, 'generation 1');
    const runs = await Promise.all(
      [1, 2].map((i) =>
        openRunGateway({
          model: 'scripted',
          config,
          runLabel: `run ${i}`,
          generationBudget: generation,
          script: [say('a'), say('b')],
          env: {},
        }),
      ),
    );
    await runs[0]!.model.generate(firstRequest());
    await expect(runs[0]!.model.generate(firstRequest())).rejects.toMatchObject({
      kind: 'budget_exceeded',
      message: expect.stringContaining('run 1'),
    });
    await runs[1]!.model.generate(firstRequest());
    expect(generation.spent).toMatchObject({ calls: 2, tokens: 240 });
    expect(generation.spent.dollars).toBeCloseTo(0.00024, 12);
  });
});

describe('prices come from the model providers', () => {
  it('every listed price of every provider is found under <provider>/<model>, and free providers cost nothing', () => {
    for (const p of MODEL_PROVIDERS) {
      if (p.prices === 'free') expect(findPrice(`${p.name}/anything`)).toMatchObject({ input: 0, output: 0 });
      else for (const [id, price] of Object.entries(p.prices)) expect(findPrice(`${p.name}/${id}`)).toEqual(price);
    }
    expect(MODEL_KEYS).toEqual(MODEL_PROVIDERS.flatMap((p) => (p.keyVariable ? [p.keyVariable] : [])));
    expect(MODEL_KEYS).toContain('ANTHROPIC_API_KEY');
  });
});
