import { z } from 'zod';
import type { PlanningPolicy } from '../types.js';
import { writePlan } from './write-plan.js';

/** A plan first, revisited every `everySteps` steps and (if `onTestFailure`) after a failed run_tests. */
export const params = z.strictObject({
  everySteps: z.number().int().min(1).max(1000).default(10),
  onTestFailure: z.boolean().default(true),
  maxPlanTokens: z.number().int().min(64).max(8192).default(1024),
});
export type ReplanParams = z.infer<typeof params>;

export function create(p: ReplanParams): PlanningPolicy {
  let lastPlanStep = 0;
  let testsFailed = false;
  return {
    async beforeStep(services) {
      const step = services.step();
      let reason: string | undefined;
      if (lastPlanStep === 0) reason = 'initial';
      else if (testsFailed) reason = 'test_failure';
      else if (step - lastPlanStep >= p.everySteps) reason = 'periodic';
      if (!reason) return;
      testsFailed = false;
      lastPlanStep = step;
      await writePlan(services, reason, p.maxPlanTokens);
    },
    afterStep(outcomes) {
      if (!p.onTestFailure) return;
      if (
        outcomes.some(
          (o) => o.name === 'run_tests' && o.outcome.kind === 'ok' && (o.outcome.result.exitCode ?? 0) !== 0,
        )
      )
        testsFailed = true;
    },
  };
}
