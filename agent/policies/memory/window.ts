import { z } from 'zod';
import type { MemoryPolicy } from '../types.js';
import { taskMessage, turnsToMessages } from './context.js';

/** The task plus the last N turns: bounded context; older observations are forgotten. */
export const params = z.strictObject({ turns: z.number().int().min(1).max(200).default(8) });
export type WindowParams = z.infer<typeof params>;

export function create(p: WindowParams): MemoryPolicy {
  let dropped = 0;
  return {
    tools: () => [],
    async buildContext(history, services) {
      const keepFrom = Math.max(0, history.length - p.turns);
      if (keepFrom > dropped) {
        const first = history[dropped]?.step;
        const last = history[keepFrom - 1]?.step;
        services.record({
          type: 'memory',
          step: services.step(),
          op: 'window_drop',
          detail: `steps ${first}-${last} left the window (keeping the last ${p.turns} turns)`,
        });
        dropped = keepFrom;
      }
      return [taskMessage(services), ...turnsToMessages(history.slice(keepFrom))];
    },
  };
}
