import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createModel } from './registry.js';
import { startFakeServer, type FakeServer } from './testing/fake-server.js';
import { firstRequest, openaiReply, secondRequest } from './testing/wire.js';
import type { Model, RetryNotice } from './types.js';
import { ModelError } from './types.js';

// The real `openai` client against a local server speaking Chat Completions, both as openai/<model> (base URL
// from OPENAI_BASE_URL) and as openai-compatible/<model>@<url>.

let server: FakeServer;
beforeEach(async () => {
  server = await startFakeServer();
});
afterEach(async () => {
  await server.close();
});

const key = 'sk-proj-test-abcdef0123456789';
function openai(options: { maxRetries?: number; timeoutMs?: number } = {}): Promise<Model> {
  return createModel('openai/gpt-test-1', {
    env: { OPENAI_API_KEY: key, OPENAI_BASE_URL: `${server.url}/v1` },
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

describe('openai adapter', () => {
  it('runs a two-turn tool-call exchange and sends the exact wire request', async () => {
    server.reply(openaiReply.toolCall('call_1', 'read_file', '{"path":"calc.py"}'), openaiReply.text('Fixed.'));
    const m = await openai();
    const first = await m.generate(firstRequest());
    expect(first).toEqual({
      content: [{ type: 'tool_call', id: 'call_1', name: 'read_file', input: { path: 'calc.py' } }],
      stopReason: 'tool_use',
      usage: { inputTokens: 900, outputTokens: 30, cacheReadTokens: 0 },
      modelId: 'gpt-test-1',
    });
    const second = await m.generate(secondRequest('call_1'));
    expect(second.stopReason).toBe('end_turn');
    // prompt_tokens (1000) includes the cached 896: the contract counts them apart.
    expect(second.usage).toEqual({ inputTokens: 104, outputTokens: 10, cacheReadTokens: 896 });

    const wire = server.requests[1]!;
    expect(wire.path).toBe('/v1/chat/completions');
    expect(wire.headers.authorization).toBe(`Bearer ${key}`);
    expect(wire.body).toEqual({
      model: 'gpt-test-1',
      max_completion_tokens: 1024,
      messages: [
        { role: 'system', content: 'You are a careful engineer.' },
        { role: 'user', content: 'Fix the failing test in calc.py.' },
        {
          role: 'assistant',
          content: 'Let me look.',
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'read_file', arguments: '{"path":"calc.py"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'def add(a, b):\n    return a - b\n' },
      ],
      tools: [
        {
          type: 'function',
          function: {
            name: 'read_file',
            description: 'Read a file of the repository.',
            parameters: {
              type: 'object',
              properties: {
                path: { type: 'string', description: 'Path relative to the repository root' },
                startLine: { type: 'integer', exclusiveMinimum: 0, maximum: 9007199254740991 },
              },
              required: ['path'],
              additionalProperties: false,
            },
          },
        },
      ],
    });
  });

  it('sends tool results as tool messages, text after them, and marks failed tools', async () => {
    server.reply(openaiReply.text('ok'));
    const base = secondRequest('call_1');
    const messages = [
      ...base.messages.slice(0, 2),
      {
        role: 'user' as const,
        content: [
          { type: 'text' as const, text: 'Tests still fail.' },
          { type: 'tool_result' as const, toolCallId: 'call_1', content: 'No such file', isError: true },
        ],
      },
    ];
    await (await openai()).generate({ ...base, messages, temperature: 0.2, stop: ['DONE'] });
    const body = server.requests[0]!.body as { messages: unknown[]; temperature: number; stop: string[] };
    expect(body.messages.slice(3)).toEqual([
      { role: 'tool', tool_call_id: 'call_1', content: '[error] No such file' },
      { role: 'user', content: 'Tests still fail.' },
    ]);
    expect([body.temperature, body.stop]).toEqual([0.2, ['DONE']]);
  });

  it('snapshots the tool schema OpenAI receives', async () => {
    server.reply(openaiReply.text('ok'));
    await (await openai()).generate(firstRequest());
    const body = server.requests[0]!.body as { tools: unknown[] };
    expect(body.tools[0]).toMatchInlineSnapshot(`
      {
        "function": {
          "description": "Read a file of the repository.",
          "name": "read_file",
          "parameters": {
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
        },
        "type": "function",
      }
    `);
  });

  it('talks to an OpenAI-compatible server named by URL, with max_tokens and an optional key', async () => {
    server.reply(openaiReply.toolCall('call_9', 'read_file', 'not json'));
    const m = await createModel(`openai-compatible/Qwen/Qwen2.5-Coder@${server.url}/v1`, { env: {} });
    expect([m.provider, m.modelId]).toEqual(['openai-compatible', 'Qwen/Qwen2.5-Coder']);
    const response = await m.generate(firstRequest());
    // Arguments that are not JSON are passed on as the raw string (the contract says so).
    expect(response.content).toEqual([{ type: 'tool_call', id: 'call_9', name: 'read_file', input: 'not json' }]);
    const body = server.requests[0]!.body as Record<string, unknown>;
    expect(body.model).toBe('Qwen/Qwen2.5-Coder');
    expect(body.max_tokens).toBe(1024);
    expect(body.max_completion_tokens).toBeUndefined();
  });

  it('retries 429 and 503, honouring retry-after-ms, then succeeds', async () => {
    server.reply(
      openaiReply.error(429, 'Rate limit reached', 'rate_limit_exceeded', 'requests', { 'retry-after-ms': '250' }),
      openaiReply.error(503, 'The server is overloaded', null, 'server_error'),
      openaiReply.text('ok'),
    );
    const notices: RetryNotice[] = [];
    const started = Date.now();
    const response = await (await openai()).generate(firstRequest(), { onRetry: (n) => notices.push(n) });
    expect(response.content).toEqual([{ type: 'text', text: 'ok' }]);
    expect(notices.map((n) => [n.kind, n.status])).toEqual([
      ['rate_limited', 429],
      ['server', 503],
    ]);
    expect(notices[0]!.delayMs).toBe(250);
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
  });

  it('gives up after maxRetries on repeated 500s', async () => {
    server.reply(...Array.from({ length: 2 }, () => openaiReply.error(500, 'boom', null, 'server_error')));
    const error = await failure((await openai({ maxRetries: 1 })).generate(firstRequest()));
    expect([error.kind, error.status, server.requests.length]).toEqual(['server', 500, 2]);
  });

  it('does not retry a 429 that means the quota is gone', async () => {
    server.reply(openaiReply.error(429, 'You exceeded your current quota', 'insufficient_quota', 'insufficient_quota'));
    const error = await failure((await openai()).generate(firstRequest()));
    expect([error.kind, error.retryable, server.requests.length]).toEqual(['rate_limited', false, 1]);
  });

  it('maps context_length_exceeded to context_overflow', async () => {
    server.reply(
      openaiReply.error(400, "This model's maximum context length is 128000 tokens.", 'context_length_exceeded'),
    );
    expect((await failure((await openai()).generate(firstRequest()))).kind).toBe('context_overflow');
  });

  it('maps 401 to auth, naming OPENAI_API_KEY', async () => {
    server.reply(openaiReply.error(401, 'Incorrect API key provided', 'invalid_api_key'));
    const error = await failure((await openai()).generate(firstRequest()));
    expect(error.kind).toBe('auth');
    expect(error.hint).toContain('OPENAI_API_KEY');
  });

  it('times out a slow server', async () => {
    server.reply({ ...openaiReply.text('late'), delayMs: 1_000 });
    expect((await failure((await openai({ timeoutMs: 150, maxRetries: 0 })).generate(firstRequest()))).kind).toBe(
      'timeout',
    );
  });

  it('maps content_filter and refusals to the refusal stop reason', async () => {
    server.reply(openaiReply.text('', 'content_filter'));
    expect((await (await openai()).generate(firstRequest())).stopReason).toBe('refusal');
  });

  it('reports a connection failure as a retryable network error', async () => {
    const m = await createModel('openai-compatible/x@http://127.0.0.1:9/v1', { env: {}, maxRetries: 0 });
    const error = await failure(m.generate(firstRequest()));
    expect([error.kind, error.retryable]).toEqual(['network', true]);
  });
});
