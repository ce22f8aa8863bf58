import { z } from 'zod';
import type { PlanningPolicy } from '../types.js';
import { writePlan } from './write-plan.js';

/** One written plan before the first action, kept in context for the whole run. */
export const params = z.strictObject({ maxPlanTokens: z.number().int().min(64).max(8192).default(1024) });
export type PlanFirstParams = z.infer<typeof params>;

export function create(p: PlanFirstParams): PlanningPolicy {
  let planned = false;
  return {
    async beforeStep(services) {
      if (planned) return;
      planned = true;
      await writePlan(services, 'initial', p.maxPlanTokens);
    },
  };
}
