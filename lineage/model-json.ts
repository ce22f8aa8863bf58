import type { z } from 'zod';
import type { ScriptedEntry } from '../agent/models/scripted.js';
import type { Message, ToolCallPart, ToolDefinition } from '../agent/models/types.js';
import { openRunGateway } from '../evaluator/gateway/index.js';
import { type LineagePurpose, recordModelSpend } from './spend.js';
import type { Workspace } from './workspace.js';

// One model call that must answer with JSON of a known shape, for the lineage's own model users (the `model`
// proposer, self-authoring). It goes through the gateway with purpose `proposer`, so the spend is metered apart
// from the agent's. A reply that is not JSON or does not fit the schema comes back as reasons, not as a throw.

/** Whether a model can write proposals (its provider says: not a search strategy, not a replay). */
export { canWriteProposals } from '../agent/models/registry.js';

export interface AskJsonOptions<S extends z.ZodType> {
  model: string;
  /** Names the call in budget errors, e.g. "author exp-01". */
  runLabel: string;
  system: string;
  prompt: string;
  schema: S;
  maxTokens?: number;
  /** For the `scripted` model (tests). */
  script?: ScriptedEntry[];
  env?: Record<string, string | undefined>;
  /** Whose spend this is (stored in model_calls, apart from runs' spend): default purpose `proposer`. */
  meter?: { purpose?: LineagePurpose; generation?: number; experiment?: string };
  /** Read-only tools the model may call before it answers (the raw material), at most `maxCalls` turns of them. */
  tools?: { definitions: ToolDefinition[]; run(name: string, input: unknown): string; maxCalls?: number };
}

export interface AskJsonResult<T> {
  data?: T;
  /** Why the reply was unusable (empty when `data` is set). */
  rejected: string[];
  text: string;
}

/** The JSON object inside a reply (models often wrap it in prose or a code fence), checked against the schema. */
function parseJsonReply<S extends z.ZodType>(text: string, schema: S): AskJsonResult<z.infer<S>> {
  let raw: unknown;
  try {
    raw = JSON.parse(text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1));
  } catch {
    return { rejected: ['reply: not valid JSON'], text };
  }
  const r = schema.safeParse(raw);
  if (r.success) return { data: r.data, rejected: [], text };
  return {
    rejected: [`reply: ${r.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`).join('; ')}`],
    text,
  };
}

export async function askForJson<S extends z.ZodType>(
  ws: Workspace,
  o: AskJsonOptions<S>,
): Promise<AskJsonResult<z.infer<S>>> {
  const { model } = await openRunGateway({
    model: o.model,
    config: ws.config,
    runLabel: o.runLabel,
    ...(o.script ? { script: o.script } : {}),
    ...(o.env ? { env: o.env } : {}),
  });
  const purpose = o.meter?.purpose ?? 'proposer';
  let response;
  const messages: Message[] = [{ role: 'user', content: o.prompt }];
  const maxCalls = o.tools ? (o.tools.maxCalls ?? 12) : 0;
  try {
    for (let turn = 0; ; turn++) {
      // The last turn offers no tools: the model must answer.
      const tools = turn < maxCalls ? (o.tools?.definitions ?? []) : [];
      response = await model.generate({
        purpose,
        system: o.system,
        messages,
        tools,
        maxTokens: o.maxTokens ?? 2048,
      });
      const calls = response.content.filter((p): p is ToolCallPart => p.type === 'tool_call');
      if (!o.tools || tools.length === 0 || calls.length === 0) break;
      messages.push({ role: 'assistant', content: response.content });
      messages.push({
        role: 'user',
        content: calls.map((c) => ({ type: 'tool_result', toolCallId: c.id, content: o.tools!.run(c.name, c.input) })),
      });
    }
  } finally {
    // Stored whether or not the call succeeded: a failed call may still have been paid for.
    await recordModelSpend(ws.db, {
      purpose,
      label: o.runLabel,
      model: o.model,
      spend: model.spent,
      ...(o.meter?.generation !== undefined ? { generation: o.meter.generation } : {}),
      ...(o.meter?.experiment !== undefined ? { experiment: o.meter.experiment } : {}),
    });
  }
  return parseJsonReply(response.content.map((p) => (p.type === 'text' ? p.text : '')).join(''), o.schema);
}
