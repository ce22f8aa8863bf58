import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createModel } from './registry.js';
import { startFakeServer, type FakeServer } from './testing/fake-server.js';
import { anthropicReply, firstRequest, readFileTool, secondRequest } from './testing/wire.js';
import type { Model, RetryNotice } from './types.js';
import { ModelError } from './types.js';

// The real @anthropic-ai/sdk client against a local server speaking the Messages API.

let server: FakeServer;
beforeEach(async () => {
  server = await startFakeServer();
});
afterEach(async () => {
  await server.close();
});

const key = 'sk-ant-test-0123456789abcdef';
function model(options: { maxRetries?: number; timeoutMs?: number } = {}): Promise<Model> {
  return createModel('anthropic/claude-test-1', {
    env: { ANTHROPIC_API_KEY: key, ANTHROPIC_BASE_URL: server.url },
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
    maxRetries: options.maxRetries ?? 2,
    timeoutMs: options.timeoutMs ?? 5_000,
  });
}

async function failure(promise: Promise<unknown>): Promise<ModelError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ModelError);
  return error as ModelError;
}

describe('anthropic adapter', () => {
  it('runs a two-turn tool-use exchange and sends the exact wire request, cache breakpoints included', async () => {
    server.reply(
      anthropicReply.toolUse('toolu_1', 'read_file', { path: 'calc.py' }),
      anthropicReply.text('Fixed: add used minus.'),
    );
    const m = await model();

    const first = await m.generate(firstRequest());
    expect(first).toEqual({
      content: [
        { type: 'text', text: 'Let me look.' },
        { type: 'tool_call', id: 'toolu_1', name: 'read_file', input: { path: 'calc.py' } },
      ],
      stopReason: 'tool_use',
      usage: { inputTokens: 1200, outputTokens: 40, cacheReadTokens: 0, cacheWriteTokens: 1000 },
      modelId: 'claude-test-1',
    });
    const second = await m.generate(secondRequest('toolu_1'));
    expect(second.stopReason).toBe('end_turn');
    expect(second.content).toEqual([{ type: 'text', text: 'Fixed: add used minus.' }]);
    expect(second.usage).toEqual({ inputTokens: 30, outputTokens: 12, cacheReadTokens: 1000, cacheWriteTokens: 200 });

    expect(server.requests).toHaveLength(2);
    const wire = server.requests[1]!;
    expect(wire.method).toBe('POST');
    expect(wire.path).toBe('/v1/messages');
    expect(wire.body).toEqual({
      model: 'claude-test-1',
      max_tokens: 1024,
      system: [{ type: 'text', text: 'You are a careful engineer.', cache_control: { type: 'ephemeral' } }],
      tools: [
        {
          name: 'read_file',
          description: 'Read a file of the repository.',
          input_schema: {
            type: 'object',
            properties: {
              path: { type: 'string', description: 'Path relative to the repository root' },
              startLine: { type: 'integer', exclusiveMinimum: 0, maximum: 9007199254740991 },
            },
            required: ['path'],
            additionalProperties: false,
          },
        },
      ],
      messages: [
        {
          role: 'user',
          content: [{ type: 'text', text: 'Fix the failing test in calc.py.', cache_control: { type: 'ephemeral' } }],
        },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Let me look.' },
            { type: 'tool_use', id: 'toolu_1', name: 'read_file', input: { path: 'calc.py' } },
          ],
        },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 'toolu_1',
              content: 'def add(a, b):\n    return a - b\n',
              cache_control: { type: 'ephemeral' },
            },
          ],
        },
      ],
    });
    // The key travels only in a header.
    expect(JSON.stringify(wire.body)).not.toContain(key);
    expect(wire.headers.authorization).toBe(`Bearer ${key}`);
    expect(wire.headers['anthropic-version']).toBeTruthy();
  });

  it('puts tool results before text in a user turn and flags failed tools', async () => {
    server.reply(anthropicReply.text('ok'));
    const base = secondRequest('toolu_1');
    const messages = [
      ...base.messages.slice(0, 2),
      {
        role: 'user' as const,
        content: [
          { type: 'text' as const, text: 'Note: tests still fail.' },
          { type: 'tool_result' as const, toolCallId: 'toolu_1', content: 'No such file', isError: true },
        ],
      },
    ];
    await (await model()).generate({ ...base, messages });
    const body = server.requests[0]!.body as { messages: Array<{ content: unknown }> };
    expect(body.messages[2]!.content).toEqual([
      { type: 'tool_result', tool_use_id: 'toolu_1', content: 'No such file', is_error: true },
      { type: 'text', text: 'Note: tests still fail.', cache_control: { type: 'ephemeral' } },
    ]);
  });

  it('snapshots the tool schema Anthropic receives', async () => {
    server.reply(anthropicReply.text('ok'));
    await (await model()).generate({ ...firstRequest(), tools: [readFileTool] });
    const body = server.requests[0]!.body as { tools: unknown[] };
    expect(body.tools[0]).toMatchInlineSnapshot(`
      {
        "description": "Read a file of the repository.",
        "input_schema": {
          "additionalProperties": false,
          "properties": {
            "path": {
              "description": "Path relative to the repository root",
              "type": "string",
            },
            "startLine": {
              "exclusiveMinimum": 0,
              "maximum": 9007199254740991,
              "type": "integer",
            },
          },
          "required": [
            "path",
          ],
          "type": "object",
        },
        "name": "read_file",
      }
    `);
  });

  it('keeps at most four cache breakpoints on a long history', async () => {
    server.reply(anthropicReply.text('ok'));
    const base = secondRequest('toolu_1');
    const messages = [...base.messages];
    for (let i = 2; i < 6; i++) {
      messages.push({
        role: 'assistant',
        content: [{ type: 'tool_call', id: `toolu_${i}`, name: 'read_file', input: { path: `f${i}` } }],
      });
      messages.push({
        role: 'user',
        content: [{ type: 'tool_result', toolCallId: `toolu_${i}`, content: `file ${i}` }],
      });
    }
    await (await model()).generate({ ...base, messages });
    const body = JSON.stringify(server.requests[0]!.body);
    expect(body.match(/"cache_control"/g)).toHaveLength(4);
  });

  it('retries 529 overloaded and 500, then succeeds, reporting each retry', async () => {
    server.reply(
      anthropicReply.error(529, 'overloaded_error', 'Overloaded'),
      anthropicReply.error(500, 'api_error', 'Internal server error'),
      anthropicReply.text('done'),
    );
    const notices: RetryNotice[] = [];
    const response = await (await model()).generate(firstRequest(), { onRetry: (n) => notices.push(n) });
    expect(response.content).toEqual([{ type: 'text', text: 'done' }]);
    expect(server.requests).toHaveLength(3);
    // Every attempt is ours: the SDK's own retry loop is off.
    expect(server.requests.map((r) => r.headers['x-stainless-retry-count'])).toEqual(['0', '0', '0']);
    expect(notices.map((n) => [n.attempt, n.kind, n.status])).toEqual([
      [1, 'overloaded', 529],
      [2, 'server', 500],
    ]);
  });

  it('gives up after maxRetries with the last error', async () => {
    server.reply(...Array.from({ length: 3 }, () => anthropicReply.error(529, 'overloaded_error', 'Overloaded')));
    const error = await failure((await model({ maxRetries: 2 })).generate(firstRequest()));
    expect(error.kind).toBe('overloaded');
    expect(error.status).toBe(529);
    expect(server.requests).toHaveLength(3);
  });

  it('honours retry-after on 429', async () => {
    server.reply(
      anthropicReply.error(429, 'rate_limit_error', 'Rate limited', { 'retry-after': '0.3' }),
      anthropicReply.text('ok'),
    );
    const notices: RetryNotice[] = [];
    const started = Date.now();
    await (await model()).generate(firstRequest(), { onRetry: (n) => notices.push(n) });
    expect(notices[0]).toMatchObject({ kind: 'rate_limited', status: 429, delayMs: 300 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('maps a prompt that is too long to context_overflow, without retrying', async () => {
    server.reply(
      anthropicReply.error(400, 'invalid_request_error', 'prompt is too long: 210000 tokens > 200000 maximum'),
    );
    const error = await failure((await model()).generate(firstRequest()));
    expect(error.kind).toBe('context_overflow');
    expect(error.hint).toMatch(/memory policy/);
    expect(server.requests).toHaveLength(1);
  });

  it('maps 401 to auth with a hint naming the variable', async () => {
    server.reply(anthropicReply.error(401, 'authentication_error', 'invalid x-api-key'));
    const error = await failure((await model()).generate(firstRequest()));
    expect(error.kind).toBe('auth');
    expect(error.hint).toContain('ANTHROPIC_API_KEY');
    expect(server.requests).toHaveLength(1);
  });

  it('maps 404 to not_found and other 400s to bad_request', async () => {
    server.reply(
      anthropicReply.error(404, 'not_found_error', 'model: claude-nope'),
      anthropicReply.error(400, 'invalid_request_error', 'tools.0.name: bad'),
    );
    expect((await failure((await model()).generate(firstRequest()))).kind).toBe('not_found');
    expect((await failure((await model()).generate(firstRequest()))).kind).toBe('bad_request');
  });

  it('times out a slow response and retries it', async () => {
    server.reply({ ...anthropicReply.text('late'), delayMs: 1_000 }, anthropicReply.text('on time'));
    const notices: RetryNotice[] = [];
    const response = await (await model({ timeoutMs: 150, maxRetries: 1 })).generate(firstRequest(), {
      onRetry: (n) => notices.push(n),
    });
    expect(response.content).toEqual([{ type: 'text', text: 'on time' }]);
    expect(notices.map((n) => n.kind)).toEqual(['timeout']);
  });

  it('reports a timeout when every attempt is too slow', async () => {
    server.reply({ ...anthropicReply.text('late'), delayMs: 1_000 });
    const started = Date.now();
    const error = await failure((await model({ timeoutMs: 150, maxRetries: 0 })).generate(firstRequest()));
    expect(error.kind).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(900);
  });

  it('returns a refusal as a stop reason, keeping its usage', async () => {
    server.reply(anthropicReply.text('I cannot help with that.', 'refusal'));
    const response = await (await model()).generate(firstRequest());
    expect(response.stopReason).toBe('refusal');
    expect(response.usage.outputTokens).toBe(12);
  });
});
