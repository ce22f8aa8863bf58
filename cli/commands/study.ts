import type { Command } from 'commander';
import { progressReporter } from '../../evaluator/progress.js';
import { SANDBOX_KINDS, type SandboxKind } from '../../evaluator/sandbox/providers.js';
import { type Condition, parseCondition, parseSettings, type StudyConfig } from '../../lineage/study/condition.js';
import { runStudy, StudyInterrupted } from '../../lineage/study/run-study.js';
import { studyStatus } from '../../lineage/study/status.js';
import { createStudy } from '../../lineage/study/studies.js';
import { removeOwnContainers, onInterrupt } from '../interrupt.js';
import { formatTable, printJson, UsageError } from '../output.js';
import { withWorkspace } from '../workspace.js';

const whole =
  (flag: string, min = 1) =>
  (v: string) => {
    const n = Number.parseInt(v, 10);
    if (!Number.isInteger(n) || n < min || String(n) !== v.trim())
      throw new UsageError(`${flag} ${v}: expected a whole number of at least ${min}`);
    return n;
  };
const collect = (v: string, all: Condition[] = []) => [...all, parseCondition(v)];

interface CreateFlags {
  condition?: Condition[];
  replicates: number;
  generations: number;
  budget?: string;
  seed: number;
  suite?: string;
  subset?: number;
  repeats?: number;
  children?: number;
  evidenceRounds?: number;
  concurrency?: number;
  sandbox?: SandboxKind;
  json?: boolean;
}

const pct = (x: number | null) => (x === null ? '–' : `${(100 * x).toFixed(1)}%`);

export function registerStudy(program: Command): void {
  const study = program
    .command('study')
    .description('replicated lineages per condition (e.g. random vs systematic proposers), resumable');

  study
    .command('create <name>')
    .description('define a study: conditions, replicates per condition, generations per replicate')
    .option(
      '--condition <spec>',
      'NAME: key=value, ... (keys: proposer, proposerModel, select, rule, margin, model, suite, budget, children, evidenceRounds, combine, subset, repeats); repeat the flag per condition',
      collect,
    )
    .option('--replicates <n>', 'independent lineages per condition', whole('--replicates'), 10)
    .requiredOption('--generations <n>', 'generations per replicate', whole('--generations'))
    .option('--budget <dollars>', 'dollars per replicate (a condition may set its own budget=)')
    .option(
      '--seed <n>',
      'base seed (replicate k gets seed + 1000k, the same in every condition)',
      whole('--seed', 0),
      1,
    )
    .option('--suite <s>', 'suite for every condition (default: evolve.json defaults.suite)')
    .option('--subset <n>', 'only the first N train tasks', whole('--subset'))
    .option('--repeats <k>', 'runs per task', whole('--repeats'))
    .option('--children <k>', 'children per generation', whole('--children'))
    .option('--evidence-rounds <n>', 'extra evidence rounds (0 = off)', whole('--evidence-rounds', 0))
    .option('--concurrency <c>', 'parallel runs', whole('--concurrency'))
    .option('--sandbox <kind>', 'docker or local (local isolates nothing)', (v: string) => {
      if (!(SANDBOX_KINDS as readonly string[]).includes(v))
        throw new UsageError(`--sandbox ${v}: expected one of ${SANDBOX_KINDS.join(', ')}`);
      return v as SandboxKind;
    })
    .option('--json', 'print the study as JSON')
    .action(async (name: string, f: CreateFlags, cmd: Command) => {
      if (!f.condition?.length)
        throw new UsageError('study create needs at least one --condition, e.g. --condition "random: proposer=random"');
      const shared = parseSettings(
        {
          ...(f.budget !== undefined ? { budget: f.budget } : {}),
          ...(f.suite ? { suite: f.suite } : {}),
          ...(f.subset ? { subset: f.subset } : {}),
          ...(f.repeats ? { repeats: f.repeats } : {}),
          ...(f.children ? { children: f.children } : {}),
          ...(f.evidenceRounds !== undefined ? { evidenceRounds: f.evidenceRounds } : {}),
        },
        'study create',
      );
      const config: StudyConfig = {
        conditions: f.condition,
        replicates: f.replicates,
        generations: f.generations,
        seed: f.seed,
        shared,
        ...(f.concurrency ? { concurrency: f.concurrency } : {}),
        ...(f.sandbox ? { sandbox: f.sandbox } : {}),
      };
      await withWorkspace(cmd, async (ws) => {
        const s = await createStudy(ws.db, name, config);
        if (f.json) return printJson(s);
        process.stdout.write(
          `study ${name}: ${s.config.conditions.length} condition${s.config.conditions.length === 1 ? '' : 's'} x ${s.config.replicates} replicates x ${s.config.generations} generations\n${s.config.conditions.map((c) => `  ${c.name}: ${JSON.stringify(c.settings)}`).join('\n')}\nRun \`evolve study run ${name}\` to start it.\n`,
        );
      });
    });

  study
    .command('run <name>')
    .description('grow every replicate to its generations; a killed run resumes where it stopped')
    .option('--json', 'print the final status as JSON')
    .action(async (name: string, f: { json?: boolean }, cmd: Command) => {
      await withWorkspace(cmd, async (ws) => {
        const { signal, release } = onInterrupt({ resume: `Running \`evolve study run ${name}\` again resumes it.` });
        try {
          await runStudy(ws, name, {
            signal,
            log: (l) => process.stderr.write(`${l}\n`),
            eval: f.json ? {} : { onProgress: progressReporter(process.stderr) },
          });
        } catch (error) {
          if (!(error instanceof StudyInterrupted)) throw error;
          const removed = await removeOwnContainers();
          process.stderr.write(`${error.message}${removed ? `; removed ${removed} containers` : ''}. ${error.hint}\n`);
          process.exitCode = 130;
          return;
        } finally {
          release();
        }
        const s = await studyStatus(ws, name);
        if (f.json) printJson(s);
        else process.stdout.write(`${renderStatus(s)}\n`);
      });
    });

  study
    .command('status <name>')
    .description('progress per condition and replicate: generations, champion and its score by generation')
    .option('--json', 'print as JSON')
    .action(async (name: string, f: { json?: boolean }, cmd: Command) => {
      await withWorkspace(cmd, async (ws) => {
        const s = await studyStatus(ws, name);
        if (f.json) printJson(s);
        else process.stdout.write(`${renderStatus(s)}\n`);
      });
    });
}

function renderStatus(s: Awaited<ReturnType<typeof studyStatus>>): string {
  const rows = s.replicates.map((r) => [
    r.condition,
    `r${r.replicate}`,
    r.seed,
    r.status,
    `${r.generations}/${r.of}`,
    r.champion ?? '–',
    pct(r.score),
    r.sparkline || '–',
    `${r.runs.done}${r.runs.pending ? ` (+${r.runs.pending} pending)` : ''}`,
    `$${r.dollars.toFixed(4)}`,
    r.stopReason ?? '',
  ]);
  return `study ${s.name}\n${formatTable(
    [
      'condition',
      'replicate',
      'seed',
      'status',
      'generations',
      'champion',
      'score',
      'by generation',
      'runs',
      'spend',
      'stopped',
    ],
    rows,
  )}`;
}
