import type { AgentTaskView } from '../task-view.js';
import { Genome } from '../genome.js';
import type { ModelRequest } from '../models/types.js';
import { say, ScriptedModel, type ScriptedStep } from '../models/scripted.js';

// Test helpers: genomes from the baseline with overrides, a task view for a sandbox, and a scripted model that
// answers policy calls (plan, summarize) by itself so a script lists only the agent's own actions.

export function testGenome(overrides: Partial<Record<keyof Genome, unknown>> = {}): Genome {
  return Genome.parse({
    model: 'scripted',
    planning: { name: 'none' },
    tools: { name: 'editor' },
    memory: { name: 'full' },
    prompt: { name: 'detailed' },
    budgets: { steps: 30, wallClockSec: 600 },
    ...overrides,
  });
}

export function testTask(workdir: string, extra: Partial<AgentTaskView> = {}): AgentTaskView {
  return { id: 'demo__demo-1', statement: 'Make `add(2, 3)` in calc.py return 5.', workdir, ...extra };
}

export interface PolicyAwareScript {
  model: ScriptedModel;
  /** Requests of agent steps only. */
  agentRequests(): ModelRequest[];
  /** Requests by purpose. */
  requestsFor(purpose: string): ModelRequest[];
}

/** Agent calls get `actions` in order; plan and summarize calls get `policyReply(purpose, n)`. */
export function policyAwareModel(
  actions: ScriptedStep[],
  policyReply: (purpose: string, n: number) => ScriptedStep = (p, n) => say(`${p} #${n}`),
): PolicyAwareScript {
  let agentIndex = 0;
  const policyCounts = new Map<string, number>();
  const entry = (request: ModelRequest): ScriptedStep => {
    const purpose = request.purpose ?? 'agent';
    if (purpose !== 'agent') {
      const n = (policyCounts.get(purpose) ?? 0) + 1;
      policyCounts.set(purpose, n);
      return policyReply(purpose, n);
    }
    const action = actions[agentIndex++];
    if (!action) throw new Error(`script ran out of agent actions (had ${actions.length})`);
    return action;
  };
  const model = new ScriptedModel(Array.from({ length: actions.length * 3 + 10 }, () => entry));
  return {
    model,
    agentRequests: () => model.requests.filter((r) => (r.purpose ?? 'agent') === 'agent'),
    requestsFor: (purpose) => model.requests.filter((r) => r.purpose === purpose),
  };
}
