import OpenAI, { APIError } from 'openai';
import type {
  ChatCompletion,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionMessageParam,
  ChatCompletionMessageToolCall,
  ChatCompletionTool,
} from 'openai/resources/chat/completions/completions';
import { classifyHttpFailure, classifyTransportFailure } from './http-errors.js';
import { toolSchemaForWire } from './tool-schema.js';
import type {
  AssistantPart,
  GenerateOptions,
  Message,
  Model,
  ModelRequest,
  ModelResponse,
  StopReason,
} from './types.js';
import { ModelError } from './types.js';

// OpenAI Chat Completions adapter, for api.openai.com and any OpenAI-compatible server (vLLM, llama.cpp server,
// Ollama, ...). Retries and deadlines live in retry.ts; this file only translates.

export interface OpenAIModelOptions {
  /** "openai" or "openai-compatible": recorded, used in messages, and picks the max-tokens field. */
  provider: 'openai' | 'openai-compatible';
  modelId: string;
  apiKey: string;
  baseURL: string;
  timeoutMs?: number;
  /** The env variable the key came from, named in auth hints. */
  keyVariable: string;
}

export class OpenAIModel implements Model {
  readonly provider: 'openai' | 'openai-compatible';
  readonly modelId: string;
  private readonly client: OpenAI;
  private readonly keyVariable: string;

  constructor(options: OpenAIModelOptions) {
    this.provider = options.provider;
    this.modelId = options.modelId;
    this.keyVariable = options.keyVariable;
    this.client = new OpenAI({
      apiKey: options.apiKey,
      baseURL: options.baseURL,
      organization: null,
      project: null,
      maxRetries: 0,
      timeout: (options.timeoutMs ?? 600_000) + 5_000,
      logLevel: 'off',
    });
  }

  async generate(request: ModelRequest, options: GenerateOptions = {}): Promise<ModelResponse> {
    const params = toChatParams(request, this.modelId, this.provider);
    let completion: ChatCompletion;
    try {
      completion = await this.client.chat.completions.create(params, { signal: options.signal, maxRetries: 0 });
    } catch (error) {
      throw this.toModelError(error);
    }
    return fromChatCompletion(completion, `${this.provider}/${this.modelId}`);
  }

  private toModelError(error: unknown): unknown {
    if (!(error instanceof APIError)) return error;
    if (error.status === undefined) return classifyTransportFailure(this.provider, this.modelId, error);
    const body = (error.error ?? {}) as { message?: unknown };
    return classifyHttpFailure({
      provider: this.provider,
      modelId: this.modelId,
      status: error.status,
      message: typeof body.message === 'string' ? body.message : error.message,
      headers: error.headers,
      codes: [error.code, error.type],
      keyVariable: this.keyVariable,
    });
  }
}

export function toChatParams(
  request: ModelRequest,
  modelId: string,
  provider: 'openai' | 'openai-compatible',
): ChatCompletionCreateParamsNonStreaming {
  const messages: ChatCompletionMessageParam[] = [];
  if (request.system) messages.push({ role: 'system', content: request.system });
  for (const message of request.messages) messages.push(...toChatMessages(message));
  const params: ChatCompletionCreateParamsNonStreaming = { model: modelId, messages };
  // api.openai.com deprecated max_tokens (reasoning models reject it); local servers mostly know only max_tokens.
  if (provider === 'openai') params.max_completion_tokens = request.maxTokens;
  else params.max_tokens = request.maxTokens;
  if (request.tools.length > 0) {
    params.tools = request.tools.map(
      (t): ChatCompletionTool => ({
        type: 'function',
        function: { name: t.name, description: t.description, parameters: toolSchemaForWire(t.inputSchema) },
      }),
    );
  }
  if (request.temperature !== undefined) params.temperature = request.temperature;
  if (request.stop && request.stop.length > 0) params.stop = request.stop;
  return params;
}

function toChatMessages(message: Message): ChatCompletionMessageParam[] {
  if (message.role === 'user') {
    if (typeof message.content === 'string') return [{ role: 'user', content: message.content }];
    // Tool results are their own `tool` messages and must directly follow the assistant's tool calls.
    const out: ChatCompletionMessageParam[] = [];
    for (const part of message.content) {
      if (part.type === 'tool_result') {
        // The wire has no error flag; say it in the text so the model still knows.
        out.push({
          role: 'tool',
          tool_call_id: part.toolCallId,
          content: part.isError ? `[error] ${part.content}` : part.content,
        });
      }
    }
    const text = message.content.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('\n');
    if (text !== '') out.push({ role: 'user', content: text });
    return out;
  }
  const text = message.content.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('');
  const toolCalls: ChatCompletionMessageToolCall[] = message.content.flatMap((p) =>
    p.type === 'tool_call'
      ? [
          {
            id: p.id,
            type: 'function' as const,
            function: {
              name: p.name,
              arguments: typeof p.input === 'string' ? p.input : JSON.stringify(p.input ?? {}),
            },
          },
        ]
      : [],
  );
  return [
    {
      role: 'assistant',
      content: text === '' ? null : text,
      ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
    },
  ];
}

const finishReasons: Record<string, StopReason> = {
  stop: 'end_turn',
  tool_calls: 'tool_use',
  function_call: 'tool_use',
  length: 'max_tokens',
  content_filter: 'refusal',
};

export function fromChatCompletion(completion: ChatCompletion, where: string): ModelResponse {
  const choice = completion.choices?.[0];
  if (!choice) throw new ModelError('server', `${where}: response has no choices`, undefined, true);
  const content: AssistantPart[] = [];
  const message = choice.message;
  if (message.content) content.push({ type: 'text', text: message.content });
  if (message.refusal) content.push({ type: 'text', text: message.refusal });
  for (const call of message.tool_calls ?? []) {
    if (call.type !== 'function') continue;
    content.push({
      type: 'tool_call',
      id: call.id,
      name: call.function.name,
      input: parseArguments(call.function.arguments),
    });
  }
  const hasToolCall = content.some((p) => p.type === 'tool_call');
  let stopReason = finishReasons[choice.finish_reason ?? ''] ?? 'other';
  if (message.refusal) stopReason = 'refusal';
  // Some compatible servers say "stop" even when they returned tool calls.
  else if (hasToolCall && stopReason === 'end_turn') stopReason = 'tool_use';
  const usage = completion.usage;
  const cached = usage?.prompt_tokens_details?.cached_tokens ?? undefined;
  return {
    content,
    stopReason,
    usage: {
      // prompt_tokens includes the cached part; the contract counts it apart (see Usage).
      inputTokens: usage ? usage.prompt_tokens - (cached ?? 0) : undefined,
      outputTokens: usage?.completion_tokens ?? undefined,
      cacheReadTokens: cached,
    },
    modelId: completion.model,
  };
}

function parseArguments(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    return text; // the contract: a string when the arguments are not valid JSON
  }
}
