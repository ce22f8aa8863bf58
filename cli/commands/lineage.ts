import { SANDBOX_KINDS, type SandboxKind } from '../../evaluator/sandbox/providers.js';
import type { Command } from 'commander';
import { progressReporter } from '../../evaluator/progress.js';
import { readContext, renderContext } from '../../lineage/context.js';
import { writeExperimentFolder } from '../../lineage/folders.js';
import { SpendLimit } from '../../evaluator/budget.js';
import { GenerationInterrupted, type GenerationResult, nextGeneration } from '../../lineage/next-generation.js';
import { RULES, type RuleName } from '../../lineage/promote.js';
import { promoteByPerson } from '../../lineage/promote-by-person.js';
import { PROPOSERS, type ProposerName } from '../../lineage/proposers.js';
import { readTree } from '../../lineage/read.js';
import { scoresByGeneration } from '../../lineage/status.js';
import { byGenerationLine } from './status.js';
import { renderTree } from '../../lineage/tree-text.js';
import { SELECTORS, type Selector } from '../../lineage/select.js';
import type { AuthorContext } from '../../lineage/self-repair/author.js';
import { type AuthorMode, authorChildren } from '../../lineage/authoring/author-children.js';
import type { Workspace } from '../../lineage/workspace.js';
import { formatTable, printJson, UsageError } from '../output.js';
import { onInterrupt, removeOwnContainers } from '../interrupt.js';
import { withWorkspace } from '../workspace.js';
import { getExperiment } from '../../lineage/db/repos/experiments.js';
import { recordDecision } from '../../lineage/db/repos/decisions.js';
import { promotionOutOfReach } from '../../lineage/headroom.js';

const pct = (x: number | null) => (x === null ? '–' : `${(100 * x).toFixed(1)}%`);
const int = (flag: string) => (v: string) => {
  const n = Number.parseInt(v, 10);
  if (!Number.isInteger(n) || n < 1 || String(n) !== v.trim())
    throw new UsageError(`${flag} ${v}: expected a whole number of at least 1`);
  return n;
};
const count = (flag: string) => (v: string) => {
  const n = Number.parseInt(v, 10);
  if (!Number.isInteger(n) || n < 0 || String(n) !== v.trim())
    throw new UsageError(`${flag} ${v}: expected a whole number of at least 0`);
  return n;
};
const oneOf = (flag: string, allowed: string[]) => (v: string) => {
  if (!allowed.includes(v)) throw new UsageError(`${flag} ${v}: expected one of ${allowed.join(', ')}`);
  return v;
};

interface GenFlags {
  children?: number;
  proposer?: string;
  proposerModel?: string;
  select?: string;
  rule?: string;
  margin?: string;
  evidenceRounds?: number;
  combine?: boolean;
  seed?: number;
  suite?: string;
  subset?: number;
  repeats?: number;
  concurrency?: number;
  sandbox?: SandboxKind;
  budget?: string;
  wait?: boolean;
  json?: boolean;
  author?: 'champion';
  authorMode?: AuthorMode;
}

function withGenerationFlags(cmd: Command): Command {
  return cmd
    .option('--children <k>', 'children to propose (default: evolve.json lineage.children)', int('--children'))
    .option(
      '--proposer <p>',
      `${PROPOSERS.join(', ')} (model: a model proposes from \`evolve context\`; falls back to systematic without one)`,
      oneOf('--proposer', [...PROPOSERS]),
    )
    .option('--proposer-model <name>', 'the model the model proposer asks (default: evolve.json lineage.proposerModel)')
    .option('--select <s>', `parent selection: ${SELECTORS.join(', ')}`, oneOf('--select', [...SELECTORS]))
    .option('--rule <r>', `promotion rule: ${RULES.join(', ')}`, oneOf('--rule', [...RULES]))
    .option('--margin <x>', 'how much better a child must be (resolve-rate difference, e.g. 0.05)')
    .option(
      '--evidence-rounds <n>',
      'extra rounds (2x, 4x, ... repeats) for an inconclusive best child and the champion (default: evolve.json lineage.evidenceRounds; 0 = off)',
      count('--evidence-rounds'),
    )
    .option(
      '--combine',
      "offer first what looked better: kept siblings' changes on the parent, pairs of kept children (default: evolve.json lineage.combine)",
    )
    .option('--seed <n>', 'seed for selection and the random proposer', int('--seed'))
    .option('--suite <s>', 'suite to evaluate on (default: evolve.json defaults.suite)')
    .option('--subset <n>', 'only the first N tasks of the split', int('--subset'))
    .option('--repeats <k>', 'runs per task', int('--repeats'))
    .option('--concurrency <c>', 'parallel runs', int('--concurrency'))
    .option('--sandbox <kind>', 'docker or local (local isolates nothing)', oneOf('--sandbox', SANDBOX_KINDS))
    .option(
      '--budget <dollars>',
      'stop starting runs once this command has spent this much (all its generations, proposer calls included)',
    )
    .option('--wait', 'if another generation holds this workspace, wait for it instead of stopping')
    .option(
      '--author <who>',
      'champion: the champion writes the children (as code by default; falls back to genome children, then systematic)',
      oneOf('--author', ['champion']),
    )
    .option(
      '--author-mode <m>',
      'code: the champion agent edits its own source (confined, gated); genome: its model picks one-change genome children',
      oneOf('--author-mode', ['code', 'genome']),
    )
    .option('--json', 'print the result as JSON');
}

/** Self-authoring (lineage/authoring): the hook nextGeneration calls, and the last note it wrote (who wrote what). */
function authorHook(ws: Workspace, f: GenFlags, log: (l: string) => void, signal: AbortSignal) {
  if (!f.author) return { author: undefined, note: () => null };
  let note: string | null = null;
  const author = async (ctx: AuthorContext & { generation: number }) => {
    const a = await authorChildren(ws, ctx, {
      mode: f.authorMode ?? 'code',
      code: { ...(f.sandbox ? { sandbox: f.sandbox } : {}), signal, log },
      log,
    });
    note = a.note;
    return a;
  };
  return { author, note: () => note };
}

/** The command's --budget: one limit for everything the command runs, however many generations. */
function commandBudget(f: GenFlags): SpendLimit | undefined {
  if (f.budget === undefined) return undefined;
  const dollars = Number(f.budget);
  if (!(dollars > 0)) throw new UsageError(`--budget ${f.budget}: expected dollars above 0`);
  return new SpendLimit('--budget', { dollars });
}

function options(f: GenFlags, log: (l: string) => void, command: string) {
  const margin = f.margin === undefined ? undefined : Number(f.margin);
  if (margin !== undefined && !Number.isFinite(margin))
    throw new UsageError(`--margin ${f.margin}: expected a number such as 0.05`);
  return {
    ...(f.children ? { children: f.children } : {}),
    ...(f.proposer ? { proposer: f.proposer as ProposerName } : {}),
    ...(f.proposerModel ? { proposerModel: f.proposerModel } : {}),
    ...(f.select ? { select: f.select as Selector } : {}),
    ...(f.rule ? { rule: f.rule as RuleName } : {}),
    ...(margin !== undefined ? { margin } : {}),
    ...(f.evidenceRounds !== undefined ? { evidenceRounds: f.evidenceRounds } : {}),
    ...(f.combine ? { combine: true } : {}),
    ...(f.seed ? { seed: f.seed } : {}),
    lock: { wait: f.wait === true, command: `evolve ${command}` },
    eval: {
      ...(f.suite ? { suite: f.suite } : {}),
      ...(f.subset ? { subset: f.subset } : {}),
      ...(f.repeats ? { repeats: f.repeats } : {}),
      ...(f.concurrency ? { concurrency: f.concurrency } : {}),
      ...(f.sandbox ? { sandbox: f.sandbox } : {}),
      // One line per finished run when output is not a terminal, so a long generation is never silent.
      onProgress: f.json ? undefined : progressReporter(process.stderr),
    },
    log,
  };
}

/** Runs a generation command with Ctrl-C/SIGTERM handled: an interrupted generation exits 130 with its containers
 * removed and is resumed by the next call. */
async function interruptible(fn: (signal: AbortSignal) => Promise<void>): Promise<void> {
  const { signal, release } = onInterrupt({ resume: 'Running the same command again resumes the generation.' });
  try {
    await fn(signal);
  } catch (error) {
    if (!(error instanceof GenerationInterrupted)) throw error;
    const removed = await removeOwnContainers();
    process.stderr.write(
      `${error.message}${removed ? `; removed ${removed} container${removed === 1 ? '' : 's'}` : ''}. ${error.hint}\n`,
    );
    process.exitCode = 130;
  } finally {
    release();
  }
}

function printGeneration(r: GenerationResult, of?: { k: number; n: number }): void {
  const score = (c: { score: number | null; lo: number | null; hi: number | null }) =>
    c.score === null ? '–' : `${pct(c.score)} [${pct(c.lo)}, ${pct(c.hi)}]`;
  const cost = (x: number | null) => (x === null ? '–' : `$${x.toFixed(4)}`);
  const rows = [
    [r.baseline.id, '(champion, the baseline)', score(r.baseline), '', cost(r.baseline.costUsd), ''],
    ...r.rows.map((c) => [
      c.id,
      c.change,
      score(c),
      c.delta === null ? '–' : `${c.delta >= 0 ? '+' : ''}${(100 * c.delta).toFixed(1)}`,
      cost(c.costUsd),
      c.decision,
    ]),
  ];
  const spent =
    r.spent.runs || r.spent.lineage
      ? `spent: $${r.spent.runs.toFixed(4)} on runs, $${r.spent.lineage.toFixed(4)} on proposing\n`
      : '';
  process.stdout.write(
    `\n${of ? `Generation ${r.generation} (${of.k} of ${of.n} in this run)` : `Generation ${r.generation}`} from ${r.parent}\n${formatTable(['experiment', 'change', 'score [95% CI]', 'Δ vs champion', 'cost', 'decision'], rows)}\n${r.notRun.map((n) => `${n.id} ${n.status}, never ran (${n.reason})\n`).join('')}${r.promoted ? `promoted ${r.promoted}` : 'no promotion'}: ${r.reason}\n${r.budgetStop ? `budget: ${r.budgetStop}; no further runs were started\n` : ''}${spent}champion: ${r.champion}\n`,
  );
}

export function registerLineage(program: Command): void {
  withGenerationFlags(
    program
      .command('next-generation')
      .description(
        'select a parent, propose one-change children, evaluate them on the same tasks, promote on evidence',
      ),
  ).action(async (f: GenFlags, cmd: Command) => {
    await withWorkspace(cmd, async (ws) => {
      const log = (l: string) => process.stderr.write(`${l}\n`);
      await interruptible(async (signal) => {
        // Self-authoring: the note says who wrote the children, or why it fell back.
        const { author, note } = authorHook(ws, f, log, signal);
        const budget = commandBudget(f);
        const r = await nextGeneration(ws, {
          ...options(f, log, 'next-generation'),
          ...(author ? { author } : {}),
          ...(budget ? { commandBudget: budget } : {}),
          signal,
        });
        if (f.json) printJson(f.author ? { ...r, author: note() } : r);
        else {
          if (note()) process.stdout.write(`${note()}\n`);
          printGeneration(r);
        }
      });
    });
  });

  withGenerationFlags(
    program
      .command('run')
      .description(
        'run generations in a row until N are done, the budget is spent, or no child improves for --patience generations',
      ),
  )
    .requiredOption('--generations <n>', 'how many generations', int('--generations'))
    .option('--patience <n>', 'stop after this many generations without a promotion', int('--patience'))
    .action(async (f: GenFlags & { generations: number; patience?: number }, cmd: Command) => {
      await withWorkspace(cmd, async (ws) => {
        await interruptible(async (signal) => {
          const results: GenerationResult[] = [];
          const budget = commandBudget(f);
          const log = (l: string) => process.stderr.write(`${l}\n`);
          let flat = 0;
          const { author, note } = authorHook(ws, f, log, signal);
          for (let g = 0; g < f.generations; g++) {
            // A champion that leaves too little to gain on these tasks ends the run before a generation is spent on it.
            const outOfReach = await promotionOutOfReach(ws, {
              ...(f.suite ? { suite: f.suite } : {}),
              ...(f.subset ? { subset: f.subset } : {}),
              ...(f.rule ? { rule: f.rule as RuleName } : {}),
              ...(f.margin !== undefined ? { margin: Number(f.margin) } : {}),
            });
            if (outOfReach) {
              log(`stopping: no child can be promoted on these tasks (${outOfReach})`);
              break;
            }
            log(`generation ${g + 1} of ${f.generations}`);
            const r = await nextGeneration(ws, {
              ...options(f, log, 'run'),
              ...(author ? { author } : {}),
              ...(f.seed ? { seed: f.seed + g } : {}),
              ...(budget ? { commandBudget: budget } : {}),
              signal,
            });
            results.push(r);
            if (!f.json && note()) process.stdout.write(`${note()}\n`);
            if (!f.json) printGeneration(r, { k: g + 1, n: f.generations });
            flat = r.promoted ? 0 : flat + 1;
            const spent = budget?.exceeded();
            if (r.rows.length === 0 || (f.patience && flat >= f.patience) || spent) {
              log(
                spent
                  ? `stopping: ${spent.reason}`
                  : r.rows.length === 0
                    ? 'stopping: nothing left to propose'
                    : `stopping: no promotion in ${flat} generations (plateau)`,
              );
              break;
            }
          }
          if (f.json) printJson(results);
        });
      });
    });

  program
    .command('tree')
    .description(
      'the lineage as an indented tree with scores; ★ marks the champion, (explore) a child kept regardless of the rule',
    )
    .option('--json', 'print as JSON')
    .action(async (f: { json?: boolean }, cmd: Command) => {
      await withWorkspace(cmd, async (ws) => {
        const tree = await readTree(ws.db);
        const by = await scoresByGeneration(ws.db);
        if (f.json) return printJson({ ...tree, byGeneration: by.scores });
        process.stdout.write(
          `champion by generation: ${byGenerationLine(by.scores, by.sparkline)}\n${renderTree(tree)}\n`,
        );
      });
    });

  program
    .command('context [id]')
    .description(
      'what has been tried from an experiment (default: the champion) and how it went: exactly what the model proposer reads',
    )
    .option('--json', 'print as JSON')
    .action(async (id: string | undefined, f: { json?: boolean }, cmd: Command) => {
      await withWorkspace(cmd, async (ws) => {
        const context = await readContext(ws.db, id, ws.config.lineage);
        if (f.json) printJson(context);
        else process.stdout.write(`${renderContext(context)}\n`);
      });
    });

  for (const action of ['promote', 'retire'] as const) {
    program
      .command(`${action} <id>`)
      .description(
        action === 'promote'
          ? "make an experiment the champion: a person's decision, recorded as such"
          : "retire an experiment: a person's decision, recorded as such",
      )
      .requiredOption('--why <text>', 'the reason, kept in the experiment record')
      .option(
        '--force',
        action === 'promote'
          ? 'promote even a rejected or flagged experiment (recorded with the decision)'
          : 'no effect',
      )
      .action(async (id: string, f: { why: string; force?: boolean }, cmd: Command) => {
        await withWorkspace(cmd, async (ws) => {
          await getExperiment(ws.db, id);
          let forced: string[] = [];
          if (action === 'promote') forced = (await promoteByPerson(ws.db, id, f.why, { force: f.force })).forced;
          else
            await recordDecision(ws.db, { experimentId: id, action, rule: 'person', actor: 'person', reason: f.why });
          await writeExperimentFolder(ws.db, ws.paths.experiments, id);
          process.stdout.write(
            `${id} ${action === 'promote' ? 'is now the champion' : 'retired'} (by a person: ${f.why})${forced.length ? `, forced past: ${forced.join('; ')}` : ''}\n`,
          );
        });
      });
  }
}
