import { z } from 'zod';
import { ExitReason } from './exit-reason.js';
import { Genome } from './genome.js';
import { ModelCallEventSchema } from './models/call-record.js';

// One JSON object per line, in the order things happened; the writer stamps `ts` (ms since the epoch).
// model_call is the models engineer's record (agent/models/call-record.ts): the gateway writes it through the
// run's writer, or the loop writes the same record itself when the model is not behind a gateway.

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

const base = { ts: z.number(), step: z.number().int() };

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
    /** The run's sampling seed (its repeat index), when the evaluator gave one. */
    seed: z.number().int().optional(),
  }),
  /** `seq` here is the call number within the run's gateway; `step` is set when the loop wrote it. */
  ModelCallEventSchema.extend({ ts: z.number().optional(), step: z.number().int().optional() }),
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
export type TrajectoryEventInput = DistributiveOmit<TrajectoryEvent, 'ts'> | z.input<typeof ModelCallEventSchema>;
