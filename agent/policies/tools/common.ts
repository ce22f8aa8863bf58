import { z } from 'zod';
import type { AgentTaskView } from '../../task-view.js';
import { defineTool, type Tool } from '../../tools/define.js';
import { commandObservation, runCommand, type CommandLimits } from '../../tools/shell.js';

// Pieces every toolset shares: the params every toolset accepts, bash, run_tests and submit.

export const CommandParams = z.strictObject({
  /** Per-command timeout. */
  timeoutSec: z.number().positive().max(3600).default(120),
  /** What the model reads of one tool result, head + tail. */
  maxOutputChars: z.number().int().min(200).max(200_000).default(10_000),
});
export type CommandParams = z.infer<typeof CommandParams>;

export const commandParamSteps: Array<Record<string, unknown>> = [
  { maxOutputChars: 4_000 },
  { maxOutputChars: 20_000 },
  { timeoutSec: 300 },
];

export function bashTool(limits: CommandLimits): Tool {
  return defineTool('bash', {
    description:
      'Run a bash command in the task workspace (the working directory is the repository root). ' +
      'Each call is a fresh shell: `cd` does not persist. Long output is cut in the middle. ' +
      `Commands are killed after ${limits.timeoutSec}s unless timeout_sec says otherwise.`,
    parameters: z.object({
      command: z.string().min(1).describe('The bash command to run.'),
      timeout_sec: z.number().positive().max(3600).optional().describe('Timeout for this command in seconds.'),
    }),
    async execute(args, ctx) {
      const timeoutSec = args.timeout_sec ?? limits.timeoutSec;
      const result = await runCommand(ctx, args.command, limits, timeoutSec);
      return commandObservation(result, limits, timeoutSec);
    },
  });
}

export function runTestsTool(testCommand: string, limits: CommandLimits): Tool {
  return defineTool('run_tests', {
    description: `Run the task's visible tests (\`${testCommand}\`) and show the result.`,
    parameters: z.object({}),
    async execute(_args, ctx) {
      const timeoutSec = Math.max(limits.timeoutSec, 300);
      const result = await runCommand(ctx, testCommand, limits, timeoutSec);
      return commandObservation(result, limits, timeoutSec);
    },
  });
}

export function submitTool(): Tool {
  return defineTool('submit', {
    description: 'Finish the task. Call this once your changes are complete; the workspace is graded as it is.',
    parameters: z.object({}),
    async execute() {
      return { output: 'Submitted.', submitted: true };
    },
  });
}

/** Adds what every toolset has: run_tests when the task has a visible test command, and submit. */
export function withCommonTools(tools: Tool[], task: AgentTaskView, limits: CommandLimits): Tool[] {
  const common = task.visibleTestCommand ? [runTestsTool(task.visibleTestCommand, limits)] : [];
  return [...tools, ...common, submitTool()];
}
