import type { Message, Model, ModelRequest, ModelResponse } from './types.js';
import { toCall } from './offline/actions.js';
import { carryMarker, marker, readCarry, rebuild } from './offline/history.js';
import { decide, type PlanOptions } from './offline/planner.js';
import { parseStatement } from './offline/statement.js';

// The `offline` model: a deterministic, non-LLM repair strategy behind the Model interface, so the whole
// loop runs with no key. It reads only the request (the task statement, earlier tool results, the offered
// tools) and acts only through tool calls the agent loop executes: reproduce the issue from the statement's
// examples, localise from the traceback or the functions the statement names, view the code, try small
// mutations one at a time (keep what improves the reproduction, revert the rest), check the visible tests,
// submit. It never reads files itself. State is rebuilt from the messages on every call, so memory policies
// that drop turns change what it knows; tool policies change how it acts; the step budget bounds its search.
//
// Params: seed (tie ordering among equally ranked candidates, default 0 = top to bottom), maxCandidates
// (default 40), maxSteps (the budget it assumes when wrapping up, default 40, the genome's default).
// Usage: token counts are undefined (it is not an LLM), so it costs nothing.

export const OFFLINE_MODEL_ID = 'offline';

function num(params: Record<string, unknown>, key: string, fallback: number): number {
  const v = params[key];
  return typeof v === 'number' && Number.isFinite(v)
    ? v
    : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))
      ? Number(v)
      : fallback;
}

function textOf(message: Message | undefined): string {
  if (!message) return '';
  if (typeof message.content === 'string') return message.content;
  return message.content.map((p) => (p.type === 'text' ? p.text : '')).join('\n');
}

// Pinned sections the loop appends to the task message (plan, notes, summary): not part of the statement.
const PINNED = /\n\n## (Your plan|Your notes|Summary of earlier steps)\b/;

/**
 * Policy calls without tools. `summarize`: the folded turns' notes plus the candidates already tried, so a
 * summarizing memory forgets the details but not what was ruled out. `plan`: the fixed strategy.
 */
function policyReply(request: ModelRequest): string {
  const text = request.messages.map(textOf).join('\n');
  if (request.purpose === 'plan') {
    return "1. Reproduce the issue from the statement's examples.\n2. Localise: traceback frames, else the functions the statement names.\n3. View the code.\n4. Try small edits one at a time; keep what helps.\n5. Run the visible tests.\n6. Submit.";
  }
  const notes = [...text.matchAll(/^(?:Step \d+:\n)?(.*)\n<!--offline:/gm)]
    .map((m) => (m[1] ?? '').trim())
    .filter((n) => n !== '');
  return `Offline model, earlier steps:\n${notes.map((n) => `- ${n}`).join('\n')}\n${carryMarker(readCarry(text))}`;
}

export class OfflineModel implements Model {
  readonly provider = 'offline';
  readonly modelId = OFFLINE_MODEL_ID;
  private calls = 0;
  readonly options: PlanOptions;

  constructor(params: Record<string, unknown> = {}) {
    this.options = {
      seed: num(params, 'seed', 0),
      maxCandidates: Math.max(1, num(params, 'maxCandidates', 40)),
      maxSteps: Math.max(2, num(params, 'maxSteps', 40)),
    };
  }

  async generate(request: ModelRequest): Promise<ModelResponse> {
    const tools = new Set(request.tools.map((t) => t.name));
    if (tools.size === 0 || (request.purpose !== undefined && request.purpose !== 'agent'))
      return this.reply(policyReply(request));
    // The task is the first user message; memory policies keep it (window keeps "last N turns plus the task").
    const task = textOf(request.messages.find((m) => m.role === 'user'));
    const statement = parseStatement(task.split(PINNED)[0] ?? task);
    const state = rebuild(request.messages, statement, readCarry(task));
    const { intent, note } = decide(state, statement, tools, this.options);
    const call = toCall(intent, state, statement, tools);
    if (!call || !tools.has(call.name)) return this.reply(`${note} (no offered tool can do this; stopping).`);
    return {
      content: [
        { type: 'text', text: `${note}\n${marker(intent)}` },
        { type: 'tool_call', id: `offline_${++this.calls}`, name: call.name, input: call.input },
      ],
      stopReason: 'tool_use',
      usage: {},
      modelId: this.modelId,
    };
  }

  private reply(text: string): ModelResponse {
    return { content: [{ type: 'text', text }], stopReason: 'end_turn', usage: {}, modelId: this.modelId };
  }
}

export function createOfflineModel(params: Record<string, unknown> = {}): Model {
  return new OfflineModel(params);
}
