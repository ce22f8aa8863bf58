import Anthropic, { APIError } from '@anthropic-ai/sdk';
import type {
  ContentBlockParam,
  Message as AnthropicMessage,
  MessageCreateParamsNonStreaming,
  MessageParam,
  TextBlockParam,
  Tool,
} from '@anthropic-ai/sdk/resources/messages/messages';
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

// Anthropic Messages API adapter. Retries and deadlines live in retry.ts; this file only translates.

export interface AnthropicModelOptions {
  modelId: string;
  apiKey: string;
  baseURL?: string;
  /** SDK-level backstop; the real per-attempt deadline is RetryingModel's. */
  timeoutMs?: number;
  /** Mark the stable prefix for prompt caching (default true). */
  cache?: boolean;
}

const ephemeral = { type: 'ephemeral' } as const;

export class AnthropicModel implements Model {
  readonly provider = 'anthropic';
  readonly modelId: string;
  private readonly client: Anthropic;
  private readonly cache: boolean;

  constructor(options: AnthropicModelOptions) {
    this.modelId = options.modelId;
    this.cache = options.cache ?? true;
    this.client = new Anthropic({
      apiKey: options.apiKey,
      baseURL: options.baseURL ?? 'https://api.anthropic.com',
      maxRetries: 0,
      timeout: (options.timeoutMs ?? 600_000) + 5_000,
      logLevel: 'off',
      openTelemetry: false,
    });
  }

  async generate(request: ModelRequest, options: GenerateOptions = {}): Promise<ModelResponse> {
    const params = toAnthropicParams(request, this.modelId, this.cache);
    let message: AnthropicMessage;
    try {
      message = await this.client.messages.create(params, { signal: options.signal, maxRetries: 0 });
    } catch (error) {
      throw this.toModelError(error);
    }
    return fromAnthropicMessage(message);
  }

  private toModelError(error: unknown): unknown {
    if (!(error instanceof APIError)) return error;
    if (error.status === undefined) return classifyTransportFailure(this.provider, this.modelId, error);
    return classifyHttpFailure({
      provider: this.provider,
      modelId: this.modelId,
      status: error.status,
      message: error.apiMessage ?? error.message,
      headers: error.headers,
      codes: [error.type, error.errorCode],
      keyVariable: 'ANTHROPIC_API_KEY',
    });
  }
}

/**
 * Cache breakpoints (at most 4): the system prompt (which caches tools + system), the first user turn (the task
 * statement) and the last two user turns, so each call reads the previous call's prefix from the cache.
 */
export function toAnthropicParams(
  request: ModelRequest,
  modelId: string,
  cache = true,
): MessageCreateParamsNonStreaming {
  const messages = request.messages.map(toMessageParam);
  const tools: Tool[] = request.tools.map((t) => ({
    name: t.name,
    description: t.description,
    input_schema: toolSchemaForWire(t.inputSchema) as Tool.InputSchema,
  }));
  const system: TextBlockParam[] = request.system ? [{ type: 'text', text: request.system }] : [];
  if (cache) {
    const lastSystem = system.at(-1);
    if (lastSystem) lastSystem.cache_control = ephemeral;
    else if (tools.length > 0) tools[tools.length - 1]!.cache_control = ephemeral;
    const userTurns = messages.flatMap((m, i) => (m.role === 'user' ? [i] : []));
    const marked = new Set([userTurns[0], ...userTurns.slice(-2)].filter((i): i is number => i !== undefined));
    for (const index of marked) markLastBlock(messages[index]!);
  }
  const params: MessageCreateParamsNonStreaming = { model: modelId, max_tokens: request.maxTokens, messages };
  if (system.length > 0) params.system = system;
  if (tools.length > 0) params.tools = tools;
  // No temperature: the Messages API of SDK 1.x removed sampling parameters, so request.temperature is ignored.
  if (request.stop && request.stop.length > 0) params.stop_sequences = request.stop;
  return params;
}

function toMessageParam(message: Message): MessageParam {
  if (message.role === 'user') {
    if (typeof message.content === 'string') return { role: 'user', content: message.content };
    // The API wants tool results before any text in a user turn.
    const blocks: ContentBlockParam[] = [];
    for (const part of message.content) {
      if (part.type === 'tool_result') {
        blocks.push({
          type: 'tool_result',
          tool_use_id: part.toolCallId,
          content: part.content,
          ...(part.isError ? { is_error: true } : {}),
        });
      }
    }
    for (const part of message.content) if (part.type === 'text') blocks.push({ type: 'text', text: part.text });
    return { role: 'user', content: blocks };
  }
  const blocks: ContentBlockParam[] = [];
  for (const part of message.content) {
    if (part.type === 'text') {
      if (part.text !== '') blocks.push({ type: 'text', text: part.text }); // empty text blocks are rejected
    } else {
      const input = typeof part.input === 'object' && part.input !== null ? part.input : { _unparsed: part.input };
      blocks.push({ type: 'tool_use', id: part.id, name: part.name, input });
    }
  }
  if (blocks.length === 0) blocks.push({ type: 'text', text: '(no content)' });
  return { role: 'assistant', content: blocks };
}

function markLastBlock(message: MessageParam): void {
  if (typeof message.content === 'string') {
    message.content = [{ type: 'text', text: message.content, cache_control: ephemeral }];
    return;
  }
  const last = message.content.at(-1);
  if (last && !('cache_control' in last)) (last as { cache_control?: unknown }).cache_control = ephemeral;
}

const stopReasons: Record<string, StopReason> = {
  end_turn: 'end_turn',
  tool_use: 'tool_use',
  max_tokens: 'max_tokens',
  stop_sequence: 'stop_sequence',
  refusal: 'refusal',
  // The context filled up while generating: like max_tokens, the reply is cut but usable.
  model_context_window_exceeded: 'max_tokens',
};

export function fromAnthropicMessage(message: AnthropicMessage): ModelResponse {
  const content: AssistantPart[] = [];
  for (const block of message.content) {
    if (block.type === 'text') content.push({ type: 'text', text: block.text });
    else if (block.type === 'tool_use')
      content.push({ type: 'tool_call', id: block.id, name: block.name, input: block.input });
    // Thinking and server-tool blocks are not part of the contract; they are dropped.
  }
  if (!message.stop_reason && content.length === 0) {
    throw new ModelError('server', `anthropic/${message.model}: empty response without a stop reason`, undefined, true);
  }
  const u = message.usage;
  return {
    content,
    stopReason: stopReasons[message.stop_reason ?? ''] ?? 'other',
    usage: {
      inputTokens: u?.input_tokens ?? undefined,
      outputTokens: u?.output_tokens ?? undefined,
      cacheReadTokens: u?.cache_read_input_tokens ?? undefined,
      cacheWriteTokens: u?.cache_creation_input_tokens ?? undefined,
    },
    modelId: message.model,
  };
}
