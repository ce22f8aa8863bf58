import { z } from 'zod';
import { defineTool } from '../../tools/define.js';
import type { MemoryPolicy } from '../types.js';
import { taskMessage, turnsToMessages } from './context.js';

/**
 * A scratchpad: the agent writes notes with `write_notes` (each call replaces them) and the loop keeps them
 * in context, while only the last `keepTurns` turns stay verbatim.
 */
export const params = z.strictObject({
  keepTurns: z.number().int().min(1).max(200).default(10),
  maxChars: z.number().int().min(100).max(50_000).default(4_000),
});
export type NotesParams = z.infer<typeof params>;

const SECTION = 'Your notes (write_notes replaces them)';

export function create(p: NotesParams): MemoryPolicy {
  let dropped = 0;
  return {
    tools: (services) => [
      defineTool('write_notes', {
        description: `Replace your notes with this text (at most ${p.maxChars} characters). Notes stay in your context for the whole run while old steps are dropped: keep findings, decisions and next steps there.`,
        parameters: z.object({ text: z.string() }),
        async execute(args) {
          const s = services();
          const text = args.text.slice(0, p.maxChars);
          s.pinned.set(SECTION, text);
          s.record({ type: 'memory', step: s.step(), op: 'notes_write', detail: text });
          return {
            output: `Notes saved (${text.length} chars${args.text.length > p.maxChars ? `, cut from ${args.text.length}` : ''}).`,
          };
        },
      }),
    ],
    async buildContext(history, services) {
      const keepFrom = Math.max(0, history.length - p.keepTurns);
      if (keepFrom > dropped) {
        services.record({
          type: 'memory',
          step: services.step(),
          op: 'window_drop',
          detail: `steps ${history[dropped]?.step}-${history[keepFrom - 1]?.step} left the context (notes kept)`,
        });
        dropped = keepFrom;
      }
      if (services.pinned.get(SECTION) === undefined) services.pinned.set(SECTION, '(empty: use write_notes)');
      return [taskMessage(services), ...turnsToMessages(history.slice(keepFrom))];
    },
  };
}
