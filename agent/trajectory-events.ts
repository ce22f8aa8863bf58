import { z } from 'zod';
import { ExitReason } from './exit-reason.js';
import { Genome } from './genome.js';

// One JSON object per line, in the order things happened. `seq` and `ts` are stamped by the writer.
// The model_call record is defined here for now: agent/models/call-record.ts did not exist when this was written;
// when it lands, the gateway's record can replace ModelCallRecord field for field.

const UsageTotals = z.object({
  inputTokens: z.number(),
  outputTokens: z.number(),
  cacheReadTokens: z.number(),
  cacheWriteTokens: z.number(),
  /** Undefined when no response carried a cost. */
  costUsd: z.number().optional(),
  modelCalls: z.number(),
});
export type UsageTotals = z.infer<typeof UsageTotals>;

const AssistantPartRecord = z.union([
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({ type: z.literal('tool_call'), id: z.string(), name: z.string(), input: z.unknown() }),
]);

export const ModelCallRecord = z.object({
  /** "agent" for a step, "plan", "summarize" for policy calls. */
  purpose: z.string(),
  request: z.object({
    messages: z.number(),
    /** Characters of system prompt plus messages: the context size the model was given. */
    contextChars: z.number(),
    tools: z.array(z.string()),
    maxTokens: z.number(),
  }),
  response: z
    .object({ content: z.array(AssistantPartRecord), stopReason: z.string(), modelId: z.string() })
    .optional(),
  usage: z.object({
    inputTokens: z.number().optional(),
    outputTokens: z.number().optional(),
    cacheReadTokens: z.number().optional(),
    cacheWriteTokens: z.number().optional(),
  }),
  costUsd: z.number().optional(),
  latencyMs: z.number(),
  /** Set when the call failed: the ModelError kind, or "error". */
  errorKind: z.string().optional(),
  errorMessage: z.string().optional(),
});

const base = { seq: z.number().int(), ts: z.number(), step: z.number().int() };

export const TrajectoryEvent = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('run_start'),
    ...base,
    taskId: z.string(),
    workdir: z.string(),
    genome: Genome,
    genomeHash: z.string(),
    tools: z.array(z.string()),
    system: z.string(),
    instance: z.string(),
  }),
  z.object({ type: z.literal('model_call'), ...base, ...ModelCallRecord.shape }),
  z.object({
    type: z.literal('tool_call'),
    ...base,
    callId: z.string(),
    name: z.string(),
    args: z.unknown(),
    /** `ok` ran; `unknown_tool` / `bad_args` went back to the model as a format error. */
    status: z.enum(['ok', 'unknown_tool', 'bad_args']),
    exitCode: z.number().optional(),
    output: z.string(),
    display: z.string().optional(),
    truncated: z.boolean(),
    timedOut: z.boolean().optional(),
    durationMs: z.number(),
  }),
  z.object({ type: z.literal('memory'), ...base, op: z.string(), detail: z.string() }),
  z.object({ type: z.literal('plan'), ...base, reason: z.string(), plan: z.string() }),
  z.object({ type: z.literal('error'), ...base, phase: z.string(), kind: z.string(), message: z.string() }),
  z.object({
    type: z.literal('run_end'),
    ...base,
    exitReason: ExitReason,
    usage: UsageTotals,
    steps: z.number().int(),
    durationMs: z.number(),
    diffChars: z.number(),
    error: z.string().optional(),
  }),
]);
export type TrajectoryEvent = z.infer<typeof TrajectoryEvent>;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** What callers hand to the writer: everything but the stamps it adds. */
export type TrajectoryEventInput = DistributiveOmit<TrajectoryEvent, 'seq' | 'ts'>;
