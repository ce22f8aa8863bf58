import { SANDBOX_KINDS, type SandboxKind } from '../../evaluator/sandbox/providers.js';
import { oneOf } from './eval.js';
import type { Command } from 'commander';
import { selfRepair } from '../../lineage/self-repair/self-repair.js';
import { printJson, UsageError } from '../output.js';
import { withWorkspace } from '../workspace.js';

interface Flags {
  experiment: string;
  cluster?: string;
  model?: string;
  author?: string;
  contextOnly?: boolean;
  sandbox?: string;
  suite?: string;
  subset?: string;
  evaluate?: boolean;
  json?: boolean;
}

export function registerSelfRepair(program: Command): void {
  program
    .command('self-repair')
    .description(
      "a coding agent (by default the experiment's own genome) repairs the agent for one failure cluster; its diff becomes a code variant exp-NN-rK, gated, then a generation of that one child: evaluated with its code (the cluster's tasks first) and decided as every child is (the rule, held-out confirmation)",
    )
    .requiredOption('--experiment <id>', 'the experiment whose failures are repaired (its branch is the code changed)')
    .option('--cluster <id>', 'failure cluster to repair (default: its largest; see `evolve failures ID`)')
    .option('--model <name>', "model of the repairing agent (default: the genome's)")
    .option('--author <id>', 'whose genome does the repair (default: the experiment itself)')
    .option(
      '--context-only',
      'context-layer learning: change only instructions and skills under agent/prompts/, no code',
    )
    .option(
      '--sandbox <kind>',
      `${SANDBOX_KINDS.join(' or ')} (local isolates nothing)`,
      oneOf('--sandbox', SANDBOX_KINDS),
    )
    .option('--suite <s>', 'suite for the evaluation (default: evolve.json defaults.suite)')
    .option('--subset <n>', 'evaluate on only the first N tasks of the split')
    .option('--no-evaluate', 'stop after the gates')
    .option('--json', 'print the result as JSON')
    .action(async (f: Flags, cmd: Command) => {
      const subset = f.subset === undefined ? undefined : Number(f.subset);
      if (subset !== undefined && !(Number.isInteger(subset) && subset > 0))
        throw new UsageError(`--subset ${f.subset}: expected a whole number of at least 1`);
      await withWorkspace(cmd, async (ws) => {
        const sandbox = f.sandbox as SandboxKind | undefined;
        const r = await selfRepair(ws, {
          experimentId: f.experiment,
          ...(f.cluster ? { clusterId: f.cluster } : {}),
          ...(f.model ? { model: f.model } : {}),
          ...(f.author ? { authorId: f.author } : {}),
          ...(f.contextOnly ? { contextOnly: true } : {}),
          ...(sandbox ? { sandbox } : {}),
          evaluate: f.evaluate !== false,
          eval: {
            ...(f.suite ? { suite: f.suite } : {}),
            ...(subset ? { subset } : {}),
            ...(sandbox ? { sandbox } : {}),
          },
          log: (l) => process.stderr.write(`${l}\n`),
        });
        if (f.json) return printJson(r);
        const out = [
          `${r.id}: self-repair of ${r.parent} (cluster ${r.cluster}) by ${r.authoredBy}'s genome (${r.repair.model}) as generation ${r.generation}; repair run ${r.repair.exitReason} in ${r.repair.steps} steps, ${r.repairCostUsd === undefined ? 'cost unknown (unpriced model)' : `$${r.repairCostUsd.toFixed(4)}`}`,
          r.gate.ok
            ? `gates passed: ${r.gate.files.join(', ')}`
            : `REJECTED at the ${r.gate.stage} gate: ${r.gate.reason} (no task was run)`,
          ...(r.evaluation
            ? r.evaluation.stages.map(
                (s) => `  ${s.stage}: ${s.tasks} tasks, ${fmt(s.score)} vs parent ${fmt(s.parentScore)}`,
              )
            : []),
          ...(r.evaluation ? [`decision: ${r.evaluation.decision} — ${r.evaluation.reason}`] : []),
          ...(r.flags.length ? [`FLAGGED: ${r.flags.join('; ')}`] : []),
          `status: ${r.status}; statement, trajectory, patch and verdict in ${r.folder}`,
        ];
        process.stdout.write(`${out.join('\n')}\n`);
      });
    });
}

const fmt = (x: number | undefined) => (x === undefined ? '–' : `${(100 * x).toFixed(1)}%`);
