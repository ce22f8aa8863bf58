import type { AssistantPart, Model, ModelRequest, ModelResponse, StopReason, Usage } from './types.js';
import { ModelError } from './types.js';

// A model for tests: plays the given responses in order, records every request, and is strict when it runs out.

export type ScriptedStep = { content: AssistantPart[]; stopReason?: StopReason; usage?: Usage } | Error;
export type ScriptedEntry = ScriptedStep | ((request: ModelRequest, callIndex: number) => ScriptedStep);

export class ScriptedModel implements Model {
  readonly provider = 'scripted';
  readonly requests: ModelRequest[] = [];

  constructor(
    private readonly script: ScriptedEntry[],
    readonly modelId = 'scripted',
  ) {}

  async generate(request: ModelRequest): Promise<ModelResponse> {
    const index = this.requests.length;
    // Copy so later mutation of the caller's history cannot change what we recorded.
    this.requests.push(structuredClone(request));
    const entry = this.script[index];
    if (entry === undefined) {
      const last = request.messages.at(-1);
      throw new ModelError(
        'script_exhausted',
        `scripted model: no more responses (had ${this.script.length}), got request #${index + 1} ending with ${JSON.stringify(last).slice(0, 300)}`,
      );
    }
    const step = typeof entry === 'function' ? entry(request, index) : entry;
    if (step instanceof Error) throw step;
    const hasToolCall = step.content.some((p) => p.type === 'tool_call');
    return {
      content: step.content,
      stopReason: step.stopReason ?? (hasToolCall ? 'tool_use' : 'end_turn'),
      usage: step.usage ?? { inputTokens: 100, outputTokens: 20 },
      modelId: this.modelId,
    };
  }

  get remaining(): number {
    return this.script.length - this.requests.length;
  }
}

let callCounter = 0;
export function toolCall(name: string, input: unknown, id = `call_${++callCounter}`): ScriptedStep {
  return { content: [{ type: 'tool_call', id, name, input }] };
}

export function say(text: string): ScriptedStep {
  return { content: [{ type: 'text', text }] };
}
