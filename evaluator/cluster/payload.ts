import { z } from 'zod';
import { Genome } from '../../agent/genome.js';
import { Task } from '../../tasks/schema.js';

// What a queued run carries to a worker: everything the evaluator hands runOne, plus where its workspace and its
// files live. Nothing secret: no key, no database URL (workers have their own config and environment).

export const QueuedActor = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('genome'),
    genome: Genome,
    code: z.strictObject({ dir: z.string(), commit: z.string() }).optional(),
  }),
  z.strictObject({ kind: z.literal('solver'), solver: z.enum(['oracle', 'null']) }),
]);

export const RunPayload = z.strictObject({
  v: z.literal(1),
  /** The workspace the run belongs to (a path on the shared volume): its config and database. */
  workspace: z.string().min(1),
  /** The sandbox kind the evaluation asked for (docker, local). */
  sandbox: z.string().min(1),
  /** Where the run's trajectory and patch go, as a key of the shared storage. */
  storageKey: z.string().min(1),
  runId: z.number().int(),
  evaluationId: z.number().int(),
  experimentId: z.string().min(1),
  task: Task,
  repeat: z.number().int().nonnegative(),
  actor: QueuedActor,
  labels: z.record(z.string(), z.string()),
  /** False when this run already had an infrastructure error in this evaluation: a second one is final. */
  retryInfra: z.boolean(),
});
export type RunPayload = z.infer<typeof RunPayload>;
