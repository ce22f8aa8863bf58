import { z } from 'zod';
import type { PlanningPolicy } from '../types.js';

/** No explicit plan: the model acts from the first step. */
export const params = z.strictObject({});

export function create(): PlanningPolicy {
  return { async beforeStep() {} };
}
