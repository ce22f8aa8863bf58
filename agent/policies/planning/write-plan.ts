import { taskMessage, turnsAsText } from '../memory/context.js';
import type { AgentServices } from '../types.js';

// The one model call planning policies make: write (or revise) a plan; the loop keeps it pinned in context.

export const PLAN_SECTION = 'Your plan';

const FIRST =
  'Before you act, write a short numbered plan (3-7 steps) for solving this task: what to inspect, what to ' +
  'change, how to check it. Reply with the plan as text only; do not call tools yet.';

const REVISE =
  'Review your plan against what has happened so far (recent steps below). Write the revised numbered plan: ' +
  'mark finished steps, fix what turned out wrong, say what to do next. Reply with the plan as text only.';

export async function writePlan(
  services: AgentServices,
  reason: string,
  maxTokens: number,
  recentTurns = 6,
): Promise<void> {
  const recent = services.history().slice(-recentTurns);
  const progress = recent.length > 0 ? `\n\n## Recent steps\n${turnsAsText([...recent], 1_500)}` : '';
  const base = taskMessage(services).content as string;
  const content = `${base}${progress}\n\n${recent.length > 0 ? REVISE : FIRST}`;
  const response = await services.callModel('plan', { messages: [{ role: 'user', content }], maxTokens });
  const plan =
    response.content
      .flatMap((p) => (p.type === 'text' ? [p.text] : []))
      .join('\n')
      .trim() ||
    services.pinned.get(PLAN_SECTION) ||
    '(the model wrote no plan)';
  services.pinned.set(PLAN_SECTION, plan);
  services.record({ type: 'plan', step: services.step(), reason, plan });
}
