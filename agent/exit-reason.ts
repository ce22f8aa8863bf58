import { z } from 'zod';

/** Why a run stopped. `submitted` is the only one where the agent itself decided it was done. */
export const ExitReason = z.enum([
  'submitted',
  'step_limit',
  'token_limit',
  'cost_limit',
  'time_limit',
  'context_overflow',
  'format_error',
  'model_error',
  'sandbox_error',
]);
export type ExitReason = z.infer<typeof ExitReason>;
