import type { Message, Model, ModelRequest, ModelResponse } from './types.js';
import { toCall } from './offline/actions.js';
import { carryMarker, marker, readCarry, rebuild } from './offline/history.js';
import { decide, type PlanOptions } from './offline/planner.js';
import { parseStatement } from './offline/statement.js';

// The `offline` model: a non-LLM repair strategy behind the Model interface, so the whole loop runs with no
// key. It reads only the request (the system prompt, the task statement, earlier tool results, the offered
// tools, the step budget the loop reports) and acts only through tool calls the agent loop executes: reproduce
// the issue from the statement's examples, localise from the traceback or the functions the statement names,
// view the code, try small mutations one at a time (keep what improves the reproduction, revert the rest),
// check the visible tests, submit. It never reads files itself. State is rebuilt from the messages on every
// call, so memory policies that drop turns change what it knows. What the genome changes (README "Models"):
// - tools: an editor (str_replace) edits reliably, one call per edit; bash alone edits with sed, three tries per
//   step but botching lines sed cannot quote; a grep tool lets it search the helpers suspect functions call;
//   the output cap decides whether a long run's traceback survives the cut.
// - planning: a written plan makes it try the likeliest edits in every suspect function before rarer ones;
//   without one it works through each suspect function in turn.
// - prompt: hints it acts on: "rerun the reproduction" (check the visible tests before submitting), a worked
//   grep (search helpers through bash), "read the full traceback" (every project frame is a suspect).
// - its own params, in the model name (`offline?candidates=8&seed=3`): candidates per function (depth), seed.
// - the step budget, as the loop reports it on every request; each repeat adds its index to the seed.
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
/** Its own plan, pinned by a planning policy, says how it orders the search. */
const PLAN_MARK = /\n## Your plan\b[\s\S]*likeliest edits in every suspect function/;

/**
 * Policy calls without tools. `summarize`: the folded turns' notes plus the candidates already tried, so a
 * summarizing memory forgets the details but not what was ruled out. `plan`: the fixed strategy.
 */
function policyReply(request: ModelRequest): string {
  const text = request.messages.map(textOf).join('\n');
  if (request.purpose === 'plan') {
    return "1. Reproduce the issue from the statement's examples.\n2. Localise: traceback frames, else the functions the statement names.\n3. View the code.\n4. Try the likeliest edits in every suspect function first, rarer edits after; one at a time, keeping what helps.\n5. Run the visible tests.\n6. Submit.";
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

  readonly seed: number;
  readonly candidates: number;
  /** The budget it assumes when a request does not say (a caller other than the agent loop). */
  readonly maxSteps: number;

  constructor(params: Record<string, unknown> = {}) {
    this.seed = Math.max(0, num(params, 'seed', 0));
    this.candidates = Math.max(1, num(params, 'candidates', num(params, 'maxCandidates', 40)));
    this.maxSteps = Math.max(2, num(params, 'maxSteps', 40));
  }

  /** What the request tells the search: budget, seed, and the hints in the system prompt and the plan. */
  planOptions(request: ModelRequest, task: string, tools: Set<string>, stepsSeen: number): PlanOptions {
    const system = request.system;
    // Each repeat (request.seed) gets its own order; seed 0 at repeat 0 is the plain top-to-bottom order.
    const seed = request.seed ? this.seed * 1_000_003 + request.seed : this.seed;
    return {
      candidates: this.candidates,
      maxSteps: request.steps?.limit ?? this.maxSteps,
      stepsUsed: request.steps ? request.steps.current - 1 : stepsSeen,
      seed,
      breadth: PLAN_MARK.test(task),
      checkTests: /\brerun (?:your|the) reproduction\b|\bcheck the change\b/i.test(system),
      searchHelpers: tools.has('grep') || /\bgrep\b/.test(system),
      allFrames: /\bfull traceback\b/i.test(system),
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
    const { intent, note } = decide(state, statement, tools, this.planOptions(request, task, tools, state.steps));
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
