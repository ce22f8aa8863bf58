import type { AgentTaskView } from '../task-view.js';
import type { Message, ModelResponse } from '../models/types.js';
import type { Tool, ToolCallOutcome } from '../tools/define.js';
import type { TrajectoryEventInput } from '../trajectory-events.js';

// What the loop offers policies, and what each slot's policy provides. A policy never talks to the model or
// the trajectory directly: it goes through AgentServices, so usage, limits and recording stay in one place.

/** One step of history: the model's reply and the observation the loop sent back. */
export interface Turn {
  step: number;
  assistant: Extract<Message, { role: 'assistant' }>;
  observation: Extract<Message, { role: 'user' }>;
}

/** Text kept in context whatever the memory policy drops: the plan, the notes, the running summary. */
export class PinnedSections {
  private readonly sections = new Map<string, string>();
  set(title: string, text: string): void {
    this.sections.set(title, text);
  }
  get(title: string): string | undefined {
    return this.sections.get(title);
  }
  render(): string {
    return [...this.sections].map(([title, text]) => `## ${title}\n${text.trim()}`).join('\n\n');
  }
}

export interface AgentServices {
  readonly task: AgentTaskView;
  readonly system: string;
  /** The rendered instance prompt: the first user message. */
  readonly instance: string;
  readonly pinned: PinnedSections;
  /** The step about to run (1-based) or that just ran. */
  step(): number;
  /** Every turn so far, oldest first (read-only). */
  history(): readonly Turn[];
  /**
   * A model call outside the main step (plan, summarize). It counts toward usage and limits and is recorded;
   * `tools` defaults to none, `system` to the agent's system prompt.
   */
  callModel(
    purpose: string,
    request: { messages: Message[]; system?: string; withTools?: boolean; maxTokens?: number },
  ): Promise<ModelResponse>;
  record(event: TrajectoryEventInput): void;
}

export interface ToolOutcomeSummary {
  name: string;
  outcome: ToolCallOutcome | { kind: 'unknown_tool' };
}

export interface PlanningPolicy {
  /** Before each step's model call: may write or revise the plan (kept in `pinned`). */
  beforeStep(services: AgentServices): Promise<void>;
  /** After each step's tool calls, e.g. to notice a failed test run. */
  afterStep?(outcomes: ToolOutcomeSummary[], services: AgentServices): void;
}

export interface MemoryPolicy {
  /** Extra tools the policy gives the agent (notes: write_notes). */
  tools(services: () => AgentServices): Tool[];
  /** The messages the model sees this step, from the whole history. */
  buildContext(history: Turn[], services: AgentServices): Promise<Message[]>;
}

export interface PromptVars {
  task_id: string;
  statement: string;
  workdir: string;
  tools: string;
  test_command: string;
}

export interface PromptPolicy {
  render(vars: PromptVars): { system: string; instance: string };
}
