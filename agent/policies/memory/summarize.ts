import { z } from 'zod';
import type { Turn } from '../types.js';
import type { MemoryPolicy } from '../types.js';
import { taskMessage, turnsAsText, turnsToMessages } from './context.js';

/**
 * The last `keepTurns` turns verbatim; older ones are folded, `foldBatch` or more at a time, into a running
 * summary written by the model (a call with purpose "summarize") and kept in context.
 */
export const params = z.strictObject({
  keepTurns: z.number().int().min(1).max(100).default(6),
  foldBatch: z.number().int().min(1).max(100).default(4),
  maxSummaryTokens: z.number().int().min(64).max(8192).default(1024),
});
export type SummarizeParams = z.infer<typeof params>;

const SECTION = 'Summary of earlier steps';

const INSTRUCTION =
  'You are condensing the history of a coding agent working on the task above. Write an updated summary of ' +
  'everything done so far: files inspected and what they contain that matters, changes made, commands run ' +
  'and their results, what is known about the bug, and what remains to do. Be concrete (paths, names, line ' +
  'numbers). Reply with the summary text only.';

/** Used when the model returns no text: a list of what was run is better than losing the turns entirely. */
function mechanicalSummary(turns: Turn[]): string {
  return turns
    .map(
      (t) =>
        `- step ${t.step}: ${t.assistant.content.map((p) => (p.type === 'tool_call' ? `${p.name} ${JSON.stringify(p.input).slice(0, 120)}` : p.text.slice(0, 120))).join('; ')}`,
    )
    .join('\n');
}

export function create(p: SummarizeParams): MemoryPolicy {
  let folded = 0; // history[0..folded) is in the summary
  let summary = '';
  return {
    tools: () => [],
    async buildContext(history, services) {
      const overflow = history.length - folded - p.keepTurns;
      if (overflow >= p.foldBatch) {
        const batch = history.slice(folded, folded + overflow);
        const prompt = `${services.instance}\n\n${summary ? `## Summary so far\n${summary}\n\n` : ''}## Steps to fold in\n${turnsAsText(batch, 2_000)}\n\n${INSTRUCTION}`;
        const response = await services.callModel('summarize', {
          messages: [{ role: 'user', content: prompt }],
          maxTokens: p.maxSummaryTokens,
        });
        const text = response.content
          .flatMap((part) => (part.type === 'text' ? [part.text] : []))
          .join('\n')
          .trim();
        summary = text || [summary, mechanicalSummary(batch)].filter(Boolean).join('\n');
        folded += batch.length;
        services.pinned.set(SECTION, summary);
        services.record({
          type: 'memory',
          step: services.step(),
          op: 'summarize',
          detail: `folded steps ${batch[0]?.step}-${batch.at(-1)?.step} into the summary (${summary.length} chars)${text ? '' : ' [model gave no text: mechanical summary]'}`,
        });
      }
      return [taskMessage(services), ...turnsToMessages(history.slice(folded))];
    },
  };
}
