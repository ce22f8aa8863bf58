import type { Message, ToolCallPart, ToolResultPart } from './models/types.js';
import type { ToolOutcomeSummary } from './policies/types.js';
import type { Tool, ToolContext } from './tools/define.js';
import type { TrajectorySink } from './trajectory.js';

// Runs one reply's tool calls in order and builds the observation message. Malformed calls (unknown tool,
// bad or non-JSON arguments) are answered with an error result the model can act on, and counted.

export interface DispatchResult {
  observation: Extract<Message, { role: 'user' }>;
  outcomes: ToolOutcomeSummary[];
  malformed: number;
  wellFormed: number;
  submitted: boolean;
}

export async function dispatchToolCalls(
  calls: ToolCallPart[],
  tools: ReadonlyMap<string, Tool>,
  ctx: ToolContext,
  trajectory: TrajectorySink,
  step: number,
  now: () => number,
): Promise<DispatchResult> {
  const results: ToolResultPart[] = [];
  const outcomes: ToolOutcomeSummary[] = [];
  let malformed = 0;
  let submitted = false;
  for (const call of calls) {
    if (submitted) {
      results.push({
        type: 'tool_result',
        toolCallId: call.id,
        content: 'Not run: the task was already submitted.',
        isError: true,
      });
      continue;
    }
    const tool = tools.get(call.name);
    const started = now();
    if (!tool) {
      malformed += 1;
      const content = `Error: unknown tool \`${call.name}\`. Available tools: ${[...tools.keys()].join(', ')}.`;
      results.push({ type: 'tool_result', toolCallId: call.id, content, isError: true });
      outcomes.push({ name: call.name, outcome: { kind: 'unknown_tool' } });
      trajectory.write({
        type: 'tool_call',
        step,
        callId: call.id,
        name: call.name,
        args: call.input,
        status: 'unknown_tool',
        output: content,
        truncated: false,
        durationMs: 0,
      });
      continue;
    }
    const outcome = await tool.run(call.input, ctx);
    const durationMs = now() - started;
    outcomes.push({ name: call.name, outcome });
    if (outcome.kind === 'bad_args') {
      malformed += 1;
      const content = `Error: ${outcome.message}. The call was not run; fix the arguments and call again.`;
      results.push({ type: 'tool_result', toolCallId: call.id, content, isError: true });
      trajectory.write({
        type: 'tool_call',
        step,
        callId: call.id,
        name: call.name,
        args: call.input,
        status: 'bad_args',
        output: content,
        truncated: false,
        durationMs,
      });
      continue;
    }
    const r = outcome.result;
    submitted = r.submitted === true;
    results.push({
      type: 'tool_result',
      toolCallId: call.id,
      content: r.output,
      ...(r.isError ? { isError: true } : {}),
    });
    trajectory.write({
      type: 'tool_call',
      step,
      callId: call.id,
      name: call.name,
      args: outcome.args,
      status: 'ok',
      exitCode: r.exitCode,
      output: r.output,
      display: r.display,
      truncated: r.truncated ?? false,
      timedOut: r.timedOut,
      durationMs,
    });
  }
  return {
    observation: { role: 'user', content: results },
    outcomes,
    malformed,
    wellFormed: calls.length - malformed,
    submitted,
  };
}
