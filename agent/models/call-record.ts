import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Message, ModelRequest } from './types.js';

// The trajectory event for one model call. The gateway writes it (through the run's trajectory sink); the
// replay model reads it back. Long-lived, so it is a zod schema; the agent's trajectory writer imports it.

const TextPart = z.object({ type: z.literal('text'), text: z.string() });
const ToolCallPart = z.object({ type: z.literal('tool_call'), id: z.string(), name: z.string(), input: z.unknown() });
const ToolResultPart = z.object({
  type: z.literal('tool_result'),
  toolCallId: z.string(),
  content: z.string(),
  isError: z.boolean().optional(),
});
const AssistantPart = z.discriminatedUnion('type', [TextPart, ToolCallPart]);

export const MessageSchema = z.union([
  z.object({
    role: z.literal('user'),
    content: z.union([z.string(), z.array(z.discriminatedUnion('type', [TextPart, ToolResultPart]))]),
  }),
  z.object({ role: z.literal('assistant'), content: z.array(AssistantPart) }),
]);

export const UsageSchema = z.object({
  inputTokens: z.number().optional(),
  outputTokens: z.number().optional(),
  cacheReadTokens: z.number().optional(),
  cacheWriteTokens: z.number().optional(),
});

export const ModelResponseSchema = z.object({
  content: z.array(AssistantPart),
  stopReason: z.enum(['end_turn', 'tool_use', 'max_tokens', 'stop_sequence', 'refusal', 'other']),
  usage: UsageSchema,
  modelId: z.string(),
});

export const RetryNoticeSchema = z.object({
  attempt: z.number().int(),
  kind: z.string(),
  status: z.number().optional(),
  message: z.string(),
  delayMs: z.number(),
});

/** Enough of the request to follow a run without storing the whole history again on every call. */
export const RequestSummarySchema = z.object({
  purpose: z.string(),
  /** sha256 of the system prompt (first 16 hex digits) and its length: changes show, text is stored once elsewhere. */
  systemSha: z.string(),
  systemChars: z.number().int(),
  messageCount: z.number().int(),
  /** The messages after the last assistant turn: what is new in this call (all of them on the first call). */
  newMessages: z.array(MessageSchema),
  toolNames: z.array(z.string()),
  maxTokens: z.number().int(),
  temperature: z.number().optional(),
  stop: z.array(z.string()).optional(),
});
export type RequestSummary = z.infer<typeof RequestSummarySchema>;

export const ModelCallEventSchema = z.object({
  type: z.literal('model_call'),
  /** ISO time the call started. */
  at: z.string(),
  /** 1-based call number within the gateway (the run). */
  seq: z.number().int().positive(),
  provider: z.string(),
  modelId: z.string(),
  request: RequestSummarySchema,
  /** Absent when the call failed; then `error` says why. */
  response: ModelResponseSchema.optional(),
  error: z.object({ kind: z.string(), message: z.string(), status: z.number().optional() }).optional(),
  usage: UsageSchema,
  latencyMs: z.number(),
  /** Undefined when the model's price is unknown. */
  costUsd: z.number().optional(),
  retries: z.array(RetryNoticeSchema).default([]),
});
export type ModelCallEvent = z.infer<typeof ModelCallEventSchema>;

/** Strings longer than this are cut in the summary (tool output can be huge; the agent records it in full). */
export const summaryTextLimit = 4_000;

export function summarizeRequest(request: ModelRequest): RequestSummary {
  const lastAssistant = request.messages.map((m) => m.role).lastIndexOf('assistant');
  const summary: RequestSummary = {
    purpose: request.purpose ?? 'agent',
    systemSha: createHash('sha256').update(request.system).digest('hex').slice(0, 16),
    systemChars: request.system.length,
    messageCount: request.messages.length,
    newMessages: request.messages.slice(lastAssistant + 1).map(truncateMessage),
    toolNames: request.tools.map((t) => t.name),
    maxTokens: request.maxTokens,
  };
  if (request.temperature !== undefined) summary.temperature = request.temperature;
  if (request.stop) summary.stop = request.stop;
  return summary;
}

function truncateMessage(message: Message): Message {
  if (message.role === 'assistant') return message;
  if (typeof message.content === 'string') return { role: 'user', content: cut(message.content) };
  return {
    role: 'user',
    content: message.content.map((p) =>
      p.type === 'text' ? { ...p, text: cut(p.text) } : { ...p, content: cut(p.content) },
    ),
  };
}

function cut(text: string): string {
  return text.length <= summaryTextLimit
    ? text
    : `${text.slice(0, summaryTextLimit)}… [${text.length - summaryTextLimit} more chars]`;
}
