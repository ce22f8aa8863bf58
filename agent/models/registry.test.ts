import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGateway } from '../../evaluator/gateway/gateway.js';
import { createModel, parseModelName } from './registry.js';
import { ScriptedModel, say, toolCall } from './scripted.js';
import { startFakeServer, type FakeServer } from './testing/fake-server.js';
import { anthropicReply, firstRequest, openaiReply, secondRequest } from './testing/wire.js';
import { ModelError } from './types.js';

describe('parseModelName', () => {
  it.each([
    ['anthropic/claude-sonnet-4-5', { provider: 'anthropic', model: 'claude-sonnet-4-5' }],
    ['openai/gpt-4.1-mini', { provider: 'openai', model: 'gpt-4.1-mini' }],
    [
      'openai-compatible/qwen2.5-coder@http://localhost:8000/v1',
      { provider: 'openai-compatible', model: 'qwen2.5-coder', baseURL: 'http://localhost:8000/v1' },
    ],
    [
      'openai-compatible/Qwen/Qwen2.5-Coder@fp8@https://gpu.lan/v1',
      { provider: 'openai-compatible', model: 'Qwen/Qwen2.5-Coder@fp8', baseURL: 'https://gpu.lan/v1' },
    ],
    ['offline', { provider: 'offline' }],
    ['scripted', { provider: 'scripted' }],
    ['replay:runs/r1/trajectory.jsonl', { provider: 'replay', path: 'runs/r1/trajectory.jsonl' }],
  ])('%s', (name, expected) => {
    expect(parseModelName(name)).toEqual(expected);
  });

  it.each([
    ['claude-sonnet-4-5', /no provider/],
    ['antropic/claude', /unknown provider "antropic"/],
    ['anthropic/', /model id after "\/" is empty/],
    ['openai-compatible/qwen', /needs a base URL/],
    ['openai-compatible/qwen@ftp://x', /needs a base URL/],
    ['openai-compatible/qwen@http://', /base URL after "@" must be an http\(s\) URL/],
    ['replay:', /trajectory path/],
  ])('rejects %s, naming the bad part', (name, message) => {
    let error: unknown;
    try {
      parseModelName(name);
    } catch (e) {
      error = e;
    }
    expect((error as Error).message).toMatch(message);
    expect((error as { hint?: string }).hint).toMatch(/anthropic\/<model>/);
  });
});

describe('createModel', () => {
  let server: FakeServer;
  beforeEach(async () => {
    server = await startFakeServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('switches provider with one string and takes keys and base URLs from the given env only', async () => {
    const env = {
      ANTHROPIC_API_KEY: 'sk-ant-x-1234567890',
      ANTHROPIC_BASE_URL: server.url,
      OPENAI_API_KEY: 'sk-oa-1234567890',
      OPENAI_BASE_URL: `${server.url}/v1`,
    };
    server.reply(anthropicReply.text('from anthropic'), openaiReply.text('from openai'));
    const a = await createModel('anthropic/claude-haiku-4-5', { env });
    const o = await createModel('openai/gpt-4o', { env });
    expect([a.provider, a.modelId, o.provider, o.modelId]).toEqual([
      'anthropic',
      'claude-haiku-4-5',
      'openai',
      'gpt-4o',
    ]);
    expect((await a.generate(firstRequest())).content).toEqual([{ type: 'text', text: 'from anthropic' }]);
    expect((await o.generate(firstRequest())).content).toEqual([{ type: 'text', text: 'from openai' }]);
    expect(server.requests.map((r) => r.path)).toEqual(['/v1/messages', '/v1/chat/completions']);
  });

  it('sends OPENAI_COMPATIBLE_API_KEY when set', async () => {
    server.reply(openaiReply.text('hi'));
    const m = await createModel(`openai-compatible/llama@${server.url}/v1`, {
      env: { OPENAI_COMPATIBLE_API_KEY: 'local-key-123456' },
    });
    await m.generate(firstRequest());
    expect(server.requests[0]!.headers.authorization).toBe('Bearer local-key-123456');
  });

  it('fails with an auth error and a hint when the key is missing', async () => {
    const error = await createModel('anthropic/claude-haiku-4-5', { env: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelError);
    expect(error).toMatchObject({ kind: 'auth' });
    expect((error as ModelError).hint).toMatch(/ANTHROPIC_API_KEY/);
    await expect(createModel('openai/gpt-4o', { env: {} })).rejects.toMatchObject({ kind: 'auth' });
  });

  it('creates the scripted model from a script', async () => {
    const m = await createModel('scripted', { script: [say('hello')] });
    expect((await m.generate(firstRequest())).content).toEqual([{ type: 'text', text: 'hello' }]);
  });

  it('creates the offline model', async () => {
    expect((await createModel('offline')).provider).toBe('offline');
  });

  it('replays a trajectory recorded through the gateway, response for response', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'evolve-replay-'));
    const path = join(dir, 'trajectory.jsonl');
    const lines: string[] = [JSON.stringify({ type: 'task', id: 't1' })];
    const recorded = createGateway(
      new ScriptedModel([toolCall('read_file', { path: 'calc.py' }, 'c1'), say('fixed')]),
      {
        env: {},
        sink: (e) => lines.push(JSON.stringify(e), JSON.stringify({ type: 'tool_call', name: 'read_file' })),
      },
    );
    // The model's responses, without the cost the gateway annotates them with (a replay is priced by its own gateway).
    const original = [await recorded.generate(firstRequest()), await recorded.generate(secondRequest('c1'))].map(
      (response) => {
        const { costUsd: _, ...model } = response as typeof response & { costUsd?: number };
        return model;
      },
    );
    writeFileSync(path, `${lines.join('\n')}\n`);

    const replay = await createModel(`replay:${path}`);
    expect(replay.provider).toBe('replay');
    expect([await replay.generate(firstRequest()), await replay.generate(secondRequest('c1'))]).toEqual(original);
    await expect(replay.generate(firstRequest())).rejects.toMatchObject({ kind: 'script_exhausted' });
  });

  it('replays a recorded failure as the same error kind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'evolve-replay-'));
    const path = join(dir, 'trajectory.jsonl');
    const lines: string[] = [];
    const recorded = createGateway(new ScriptedModel([new ModelError('context_overflow', 'too long', 400)]), {
      env: {},
      sink: (e) => lines.push(JSON.stringify(e)),
    });
    await recorded.generate(firstRequest()).catch(() => undefined);
    writeFileSync(path, lines.join('\n'));
    const replay = await createModel(`replay:${path}`);
    await expect(replay.generate(firstRequest())).rejects.toMatchObject({ kind: 'context_overflow', status: 400 });
  });

  it('names a missing or damaged trajectory', async () => {
    await expect(createModel('replay:/nonexistent/trajectory.jsonl')).rejects.toMatchObject({
      kind: 'not_found',
      hint: expect.stringMatching(/trajectory/),
    });
    const dir = mkdtempSync(join(tmpdir(), 'evolve-replay-'));
    writeFileSync(join(dir, 't.jsonl'), '{"type":"model_call","seq":1}\n');
    await expect(createModel(`replay:${join(dir, 't.jsonl')}`)).rejects.toThrow(
      /line 1 is not a valid model_call event/,
    );
  });
});
