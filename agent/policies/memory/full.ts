import { z } from 'zod';
import type { MemoryPolicy } from '../types.js';
import { taskMessage, turnsToMessages } from './context.js';

/** The whole history, every turn verbatim: simplest, and the context grows with every step. */
export const params = z.strictObject({});

export function create(): MemoryPolicy {
  return {
    tools: () => [],
    async buildContext(history, services) {
      return [taskMessage(services), ...turnsToMessages(history)];
    },
  };
}
