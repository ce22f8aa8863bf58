import { z } from 'zod';
import type { Reply } from './fake-server.js';
import type { ModelRequest } from '../types.js';

// Provider wire-format replies (as the real APIs send them) and a shared two-turn tool-use conversation.

export const anthropicReply = {
  toolUse: (id: string, name: string, input: unknown, usage: object = {}): Reply => ({
    body: {
      id: 'msg_01',
      type: 'message',
      role: 'assistant',
      model: 'claude-test-1',
      content: [
        { type: 'text', text: 'Let me look.' },
        { type: 'tool_use', id, name, input },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: {
        input_tokens: 1200,
        output_tokens: 40,
        cache_creation_input_tokens: 1000,
        cache_read_input_tokens: 0,
        ...usage,
      },
    },
  }),
  text: (text: string, stop_reason = 'end_turn'): Reply => ({
    body: {
      id: 'msg_02',
      type: 'message',
      role: 'assistant',
      model: 'claude-test-1',
      content: [{ type: 'text', text }],
      stop_reason,
      stop_sequence: null,
      usage: { input_tokens: 30, output_tokens: 12, cache_creation_input_tokens: 200, cache_read_input_tokens: 1000 },
    },
  }),
  error: (status: number, type: string, message: string, headers?: Record<string, string>): Reply => ({
    status,
    body: { type: 'error', error: { type, message }, request_id: 'req_test' },
    ...(headers ? { headers } : {}),
  }),
};

export const openaiReply = {
  toolCall: (id: string, name: string, args: string): Reply => ({
    body: {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'gpt-test-1',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: null,
            refusal: null,
            tool_calls: [{ id, type: 'function', function: { name, arguments: args } }],
          },
          finish_reason: 'tool_calls',
          logprobs: null,
        },
      ],
      usage: {
        prompt_tokens: 900,
        completion_tokens: 30,
        total_tokens: 930,
        prompt_tokens_details: { cached_tokens: 0 },
      },
    },
  }),
  text: (text: string, finish_reason = 'stop', usage?: object): Reply => ({
    body: {
      id: 'chatcmpl-2',
      object: 'chat.completion',
      created: 1_700_000_001,
      model: 'gpt-test-1',
      choices: [
        { index: 0, message: { role: 'assistant', content: text, refusal: null }, finish_reason, logprobs: null },
      ],
      usage: usage ?? {
        prompt_tokens: 1000,
        completion_tokens: 10,
        total_tokens: 1010,
        prompt_tokens_details: { cached_tokens: 896 },
      },
    },
  }),
  error: (
    status: number,
    message: string,
    code: string | null,
    type = 'invalid_request_error',
    headers?: Record<string, string>,
  ): Reply => ({
    status,
    body: { error: { message, type, param: null, code } },
    ...(headers ? { headers } : {}),
  }),
};

/** The tool every wire test offers, with its schema produced the way tool authors do: z.toJSONSchema. */
export const readFileTool = {
  name: 'read_file',
  description: 'Read a file of the repository.',
  inputSchema: z.toJSONSchema(
    z.object({
      path: z.string().describe('Path relative to the repository root'),
      startLine: z.number().int().positive().optional(),
    }),
  ) as Record<string, unknown>,
};

export function firstRequest(purpose = 'agent'): ModelRequest {
  return {
    system: 'You are a careful engineer.',
    messages: [{ role: 'user', content: 'Fix the failing test in calc.py.' }],
    tools: [readFileTool],
    maxTokens: 1024,
    purpose,
  };
}

/** The second turn: the first request, the model's tool call, and the tool's result. */
export function secondRequest(toolCallId: string): ModelRequest {
  const first = firstRequest();
  return {
    ...first,
    messages: [
      ...first.messages,
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Let me look.' },
          { type: 'tool_call', id: toolCallId, name: 'read_file', input: { path: 'calc.py' } },
        ],
      },
      { role: 'user', content: [{ type: 'tool_result', toolCallId, content: 'def add(a, b):\n    return a - b\n' }] },
    ],
  };
}
