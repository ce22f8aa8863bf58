// The small model contract every provider adapter implements (after the Vercel AI SDK's LanguageModel spec):
// a request in, ordered content parts + stop reason + usage out. Provider details stay behind it.

export interface TextPart {
  type: 'text';
  text: string;
}

export interface ToolCallPart {
  type: 'tool_call';
  id: string;
  name: string;
  /** Parsed JSON arguments; a string when the provider sent arguments that are not valid JSON. */
  input: unknown;
}

export interface ToolResultPart {
  type: 'tool_result';
  toolCallId: string;
  content: string;
  isError?: boolean;
}

export type AssistantPart = TextPart | ToolCallPart;

export type Message =
  | { role: 'user'; content: string | Array<TextPart | ToolResultPart> }
  | { role: 'assistant'; content: AssistantPart[] };

export interface ToolDefinition {
  name: string;
  description: string;
  /** JSON Schema of the arguments, generated from the tool's zod schema (z.toJSONSchema). */
  inputSchema: Record<string, unknown>;
}

export interface ModelRequest {
  system: string;
  messages: Message[];
  tools: ToolDefinition[];
  maxTokens: number;
  temperature?: number;
  stop?: string[];
  /** Opaque tag recorded by the gateway, e.g. "agent", "summarize", "proposer". */
  purpose?: string;
  /** Where the run stands against its step budget (agent calls): this call's step, 1-based, and the budget. */
  steps?: { current: number; limit: number };
  /** A per-run sampling seed (the evaluator's repeat index); models that sample may use it, others ignore it. */
  seed?: number;
}

export type StopReason = 'end_turn' | 'tool_use' | 'max_tokens' | 'stop_sequence' | 'refusal' | 'other';

/**
 * Unknown counts are undefined, never 0. `inputTokens` counts only the uncached input: tokens read from or
 * written to the prompt cache are counted in `cacheReadTokens`/`cacheWriteTokens`, so the four add up to the
 * whole prompt plus output and cost is a plain sum of count x price.
 */
export interface Usage {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
}

export interface ModelResponse {
  content: AssistantPart[];
  stopReason: StopReason;
  usage: Usage;
  /** The model id the provider reports having used. */
  modelId: string;
}

/** One failed attempt that was retried (recorded by the gateway in the call's trajectory event). */
export interface RetryNotice {
  attempt: number;
  kind: ModelErrorKind;
  status?: number;
  message: string;
  /** How long we waited before the next attempt. */
  delayMs: number;
}

export interface GenerateOptions {
  signal?: AbortSignal;
  /** Told about each retried failure (see models/retry.ts), so the gateway can record it. */
  onRetry?: (notice: RetryNotice) => void;
}

export interface Model {
  /** "anthropic", "openai", "openai-compatible", "offline", "scripted", "replay". */
  readonly provider: string;
  readonly modelId: string;
  generate(request: ModelRequest, options?: GenerateOptions): Promise<ModelResponse>;
}

export type ModelErrorKind =
  | 'auth'
  | 'not_found'
  | 'context_overflow'
  | 'refusal'
  | 'rate_limited'
  | 'overloaded'
  | 'server'
  | 'timeout'
  | 'bad_request'
  | 'budget_exceeded'
  | 'script_exhausted'
  | 'network';

/** A typed model failure: the agent loop maps `kind` to an exit reason instead of crashing. */
export class ModelError extends Error {
  override readonly name = 'ModelError';
  /** What the user can do about it (cli/output.ts prints it). */
  readonly hint?: string;
  /** The server's retry-after, when it sent one. */
  readonly retryAfterMs?: number;
  constructor(
    readonly kind: ModelErrorKind,
    message: string,
    readonly status?: number,
    readonly retryable = false,
    extra: { hint?: string; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.hint = extra.hint;
    this.retryAfterMs = extra.retryAfterMs;
  }
}
