import { SANDBOX_KINDS, type SandboxKind } from '../../evaluator/sandbox/providers.js';
import type { Command } from 'commander';
import type { EvaluateResult } from '../../evaluator/evaluate.js';
import { progressReporter } from '../../evaluator/progress.js';
import { evaluateExperiment } from '../../lineage/evaluate-experiment.js';
import { printJson, UsageError } from '../output.js';
import { type Interrupt, onInterrupt } from '../interrupt.js';
import { withWorkspace } from '../workspace.js';

export function positiveInt(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1)
      throw new UsageError(`${flag} must be a whole number of at least 1, got "${value}"`);
    return n;
  };
}

export function positiveNumber(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} must be a positive number, got "${value}"`);
    return n;
  };
}

export function oneOf<T extends string>(flag: string, values: readonly T[]) {
  return (value: string): T => {
    if (!(values as readonly string[]).includes(value))
      throw new UsageError(`${flag} must be one of ${values.join(', ')}, got "${value}"`);
    return value as T;
  };
}

/** Ctrl-C or SIGTERM once: stop starting runs and cancel the ones in flight cleanly. Twice: leave at once. */
export function interruptSignal(): Interrupt {
  return onInterrupt({ resume: 'Running the same command again resumes.' });
}

export function describeResult(experimentId: string, r: EvaluateResult): string {
  const s = r.summary;
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const lines = [
    `${experimentId}: ${r.status}${r.stopReason ? ` (${r.stopReason})` : ''}`,
    s.runs
      ? `  resolved     ${pct(s.resolveRate)} of ${s.tasks} tasks (95% CI ${pct(s.interval.lo)}-${pct(s.interval.hi)}, ${s.runs} runs)`
      : '  resolved     no finished runs',
    ...Object.entries(s.passAtK)
      .filter(([k]) => k !== '1')
      .map(([k, v]) => `  pass@${k}       ${pct(v)}`),
    `  runs         ${r.runs.filter((x) => x.status === 'done').length} done, ${r.runs.filter((x) => x.status === 'error').length} infra errors, ${r.runs.filter((x) => x.status === 'pending' || x.status === 'cancelled').length} not run`,
    `  spend        $${r.spend.dollars.toFixed(2)}, ${r.spend.tokens} tokens, ${(r.spend.elapsedMs / 1000).toFixed(1)}s`,
  ];
  for (const st of r.stages)
    if (st.gate)
      lines.push(
        `  stage ${st.stage}: score ${pct(st.gate.score)} vs threshold ${pct(st.gate.threshold)} -> ${st.gate.passed ? 'continue' : 'stop'}`,
      );
  if (r.skippedStages.length) lines.push(`  skipped      ${r.skippedStages.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

export function registerEval(program: Command): void {
  program
    .command('eval <experiment>')
    .description('run an experiment (or a fixed solver) on a task set; resumes where a previous run stopped')
    .option('--suite <name>', 'task suite (default: evolve.json defaults.suite)')
    .option('--subset <n>', 'only the first N tasks', positiveInt('--subset'))
    .option(
      '--split <split>',
      "train, heldout or all (only train is the experiment's score)",
      oneOf('--split', ['train', 'heldout', 'all'] as const),
    )
    .option('--repeats <k>', 'runs per task', positiveInt('--repeats'))
    .option('--concurrency <c>', 'runs in parallel (default: from cores and memory)', positiveInt('--concurrency'))
    .option('--sandbox <kind>', 'docker or local', oneOf('--sandbox', SANDBOX_KINDS))
    .option(
      '--solver <name>',
      'evaluate a fixed solver instead of the genome: oracle or null',
      oneOf('--solver', ['oracle', 'null'] as const),
    )
    .option('--model <name>', "override the genome's model")
    .option('--max-dollars <d>', 'stop starting runs once this much is spent', positiveNumber('--max-dollars'))
    .option('--max-tokens <t>', 'stop starting runs once this many tokens are used', positiveInt('--max-tokens'))
    .option('--max-minutes <m>', 'stop starting runs after this long', positiveNumber('--max-minutes'))
    .option(
      '--screen <n>',
      'staged: first N tasks, the rest only if the score clears the parent minus --margin',
      positiveInt('--screen'),
    )
    .option('--margin <x>', 'allowed shortfall below the parent for --screen (default 0)', Number)
    .option('--agent-timeout <sec>', "replace every task's agent timeout", positiveNumber('--agent-timeout'))
    .option('--test-timeout <sec>', "replace every task's test / verifier timeout", positiveNumber('--test-timeout'))
    .option('--agent-user <user>', "the user the agent works as (default: the task's; root for Terminal-Bench)")
    .option('--json', 'print the result as JSON')
    .action(async (experimentId: string, opts: Record<string, unknown>, cmd: Command) => {
      await withWorkspace(cmd, async (ws) => {
        const { signal, release } = interruptSignal();
        try {
          const result = await evaluateExperiment(ws, {
            experimentId,
            suite: opts.suite as string | undefined,
            subset: opts.subset as number | undefined,
            split: opts.split as 'train' | 'heldout' | 'all' | undefined,
            repeats: opts.repeats as number | undefined,
            concurrency: opts.concurrency as number | undefined,
            sandbox: opts.sandbox as SandboxKind | undefined,
            solver: opts.solver as 'oracle' | 'null' | undefined,
            model: opts.model as string | undefined,
            budget: {
              dollars: opts.maxDollars as number | undefined,
              tokens: opts.maxTokens as number | undefined,
              wallClockSec: opts.maxMinutes === undefined ? undefined : (opts.maxMinutes as number) * 60,
            },
            screen:
              opts.screen === undefined
                ? undefined
                : { tasks: opts.screen as number, margin: (opts.margin as number | undefined) ?? 0 },
            ...(opts.agentTimeout || opts.testTimeout || opts.agentUser
              ? {
                  settings: {
                    ...(opts.agentTimeout ? { agentTimeoutSec: opts.agentTimeout as number } : {}),
                    ...(opts.testTimeout ? { testTimeoutSec: opts.testTimeout as number } : {}),
                    ...(opts.agentUser ? { agentUser: opts.agentUser as string } : {}),
                  },
                }
              : {}),
            signal,
            onProgress: opts.json ? undefined : progressReporter(process.stderr),
          });
          if (opts.json) printJson({ experiment: experimentId, ...result });
          else {
            process.stdout.write(describeResult(experimentId, result));
            if (result.actor !== 'agent')
              process.stdout.write(
                `  not stored as ${experimentId}'s score: these are runs of ${result.actor.startsWith('model:') ? `its genome with model ${result.actor.slice(6)}` : `the ${result.actor} solver`}, kept apart from its own\n`,
              );
          }
          process.exitCode = result.stopReason === 'interrupted' ? 130 : result.status === 'failed' ? 1 : 0;
        } finally {
          release();
        }
      });
    });
}
