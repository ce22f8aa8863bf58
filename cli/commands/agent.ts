import { SANDBOX_KINDS, type SandboxKind } from '../../evaluator/sandbox/providers.js';
import type { Command } from 'commander';
import { runAgentOnce } from '../../lineage/evaluate-experiment.js';
import { printJson } from '../output.js';
import { withWorkspace } from '../workspace.js';
import { interruptSignal, oneOf } from './eval.js';
import { isInstalledCode } from '../../evaluator/agent-code.js';

export function registerAgent(program: Command): void {
  const agent = program.command('agent').description('run the agent by hand');
  const run = agent
    .command('run')
    .description(
      'run one agent on one task in a sandbox, grade it, and print outcome, exit reason, cost and trajectory',
    )
    .requiredOption('--task <id>', 'SUITE/TASK, or a task id that only one suite has')
    .option('--suite <name>', "the suite the task is in (default: found among the workspace's suites)")
    .requiredOption(
      '--genome <file|experiment>',
      'a genome JSON file (or folder with genome.json), or an experiment id',
    )
    .option('--model <name>', "override the genome's model")
    .option('--sandbox <kind>', 'docker or local', oneOf('--sandbox', SANDBOX_KINDS))
    .option('--json', 'print the result as JSON')
    .action(
      async (
        opts: {
          task: string;
          suite?: string;
          genome: string;
          model?: string;
          sandbox?: SandboxKind;
          json?: boolean;
        },
        cmd: Command,
      ) => {
        await withWorkspace(cmd, async (ws) => {
          const { signal, release } = interruptSignal();
          try {
            const r = await runAgentOnce(ws, {
              taskId: opts.task,
              ...(opts.suite ? { suite: opts.suite } : {}),
              genome: opts.genome,
              model: opts.model,
              sandbox: opts.sandbox,
              signal,
            });
            if (opts.json) return printJson(r);
            process.stdout.write(
              [
                `task         ${r.suite}/${r.taskId}`,
                `agent code   ${isInstalledCode(r.code) ? r.code : `code variant at ${r.code.slice(0, 12)}`}`,
                `outcome      ${r.outcome ?? 'none (infrastructure error)'}`,
                `exit reason  ${r.exitReason ?? '-'}`,
                ...(r.infraError ? [`infra error  ${r.infraError.kind}: ${r.infraError.message}`] : []),
                `cost         ${r.costUsd === undefined ? 'unknown (no price for this model)' : `$${r.costUsd.toFixed(4)}`}, ${(r.inputTokens ?? 0) + (r.outputTokens ?? 0)} tokens, ${r.steps ?? 0} steps, ${(r.durationMs / 1000).toFixed(1)}s`,
                `trajectory   ${r.trajectoryPath ?? '-'}`,
                `patch        ${r.patchPath ?? '-'}`,
              ].join('\n') + '\n',
            );
            process.exitCode = r.infraError ? 1 : 0;
          } finally {
            release();
          }
        });
      },
    );
  // Usage errors in the subcommand exit 2 through main(), like the top-level ones.
  run.exitOverride();
}
