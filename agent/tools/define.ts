import { z } from 'zod';
import type { Sandbox } from '../../evaluator/sandbox/types.js';
import type { AgentTaskView } from '../task-view.js';
import type { ToolDefinition } from '../models/types.js';

// Tools as data (after opencode's Tool.define): an id, a description, a zod schema for the arguments and an
// execute function. The wrapper parses arguments; a bad call becomes an observation the model can act on,
// returned as data, never thrown.

export interface ToolContext {
  sandbox: Sandbox;
  task: AgentTaskView;
  signal?: AbortSignal;
  /** Milliseconds left before the run's wall-clock limit; commands never get more than this. */
  remainingMs(): number;
}

export interface ToolResult {
  /** What the model reads. */
  output: string;
  /** What a person sees in the transcript when it differs (e.g. a diff instead of "Edited file"). */
  display?: string;
  exitCode?: number;
  truncated?: boolean;
  timedOut?: boolean;
  /** The tool could not do what was asked (file missing, text not found); the call itself was well formed. */
  isError?: boolean;
  /** Set by `submit`: the run ends after this call. */
  submitted?: boolean;
}

export interface Tool {
  id: string;
  definition: ToolDefinition;
  /** Parses raw arguments then executes; never throws for bad arguments. */
  run(rawInput: unknown, ctx: ToolContext): Promise<ToolCallOutcome>;
}

export type ToolCallOutcome =
  | { kind: 'ok'; args: Record<string, unknown>; result: ToolResult }
  | { kind: 'bad_args'; message: string };

export function defineTool<S extends z.ZodObject>(
  id: string,
  spec: { description: string; parameters: S; execute(args: z.infer<S>, ctx: ToolContext): Promise<ToolResult> },
): Tool {
  const inputSchema = z.toJSONSchema(spec.parameters) as Record<string, unknown>;
  delete inputSchema.$schema;
  return {
    id,
    definition: { name: id, description: spec.description, inputSchema },
    async run(rawInput, ctx) {
      const input = parseArguments(rawInput);
      if (typeof input === 'string') return { kind: 'bad_args', message: `${id}: ${input}` };
      const parsed = spec.parameters.safeParse(input);
      if (!parsed.success) return { kind: 'bad_args', message: `${id}: ${renderZodError(parsed.error)}` };
      const args = parsed.data as z.infer<S>;
      return { kind: 'ok', args: args as Record<string, unknown>, result: await spec.execute(args, ctx) };
    },
  };
}

/** Providers hand over parsed JSON, or the raw string when it was not valid JSON. */
function parseArguments(raw: unknown): Record<string, unknown> | string {
  let value: unknown = raw ?? {};
  if (typeof raw === 'string') {
    if (raw.trim() === '') return {};
    try {
      value = JSON.parse(raw);
    } catch {
      return `arguments are not valid JSON: ${raw.slice(0, 200)}`;
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'arguments must be a JSON object';
  return value as Record<string, unknown>;
}

/** One line per problem, phrased for the model: "argument `path` is required". */
export function renderZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const name = issue.path.join('.');
      if (issue.code === 'invalid_type' && / received undefined$/.test(issue.message))
        return `argument \`${name}\` is required`;
      if (issue.code === 'unrecognized_keys')
        return `unknown argument(s) ${issue.keys.map((k) => `\`${k}\``).join(', ')}`;
      const what = issue.message.replace(/^Invalid input: /, '');
      return name ? `argument \`${name}\`: ${what}` : what;
    })
    .join('; ');
}
