import { oneOf } from './eval.js';
import { SANDBOX_KINDS, type SandboxKind } from '../../evaluator/sandbox/providers.js';
import type { Command } from 'commander';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDir } from '../../evaluator/run-one.js';
import { type TaskValidation, validateTasks } from '../../evaluator/validate.js';
import { validationImages } from '../../evaluator/validation-image.js';
import { wireRuns } from '../../evaluator/wiring.js';
import type { Config } from '../../lineage/config.js';
import { findWorkspaceRoot, loadConfig, workspacePaths } from '../../lineage/workspace.js';
import { agentView } from '../../tasks/schema.js';
import { loadSuite, type Suite, type SuiteSettings, selectTasks } from '../../tasks/suite.js';
import { canRecord, readValidated, recordValidated, unvalidated, VALIDATED_FILE } from '../../tasks/validated.js';
import { formatTable, printJson, UsageError } from '../output.js';

interface SuiteContext {
  suite: Suite;
  /** The workspace, when the command runs inside one. */
  root?: string;
  config?: Config;
}

/** Suites resolve through the workspace config when there is one; `builtin` and paths work anywhere. */
function suiteContext(cmd: Command, name: string, settings: SuiteSettings = {}): SuiteContext {
  const explicit = cmd.optsWithGlobals<{ workspace?: string }>().workspace;
  let root: string | undefined;
  try {
    root = findWorkspaceRoot(process.cwd(), explicit);
  } catch (error) {
    if (explicit) throw error;
  }
  if (!root) return { suite: loadSuite(name, { settings }) };
  const paths = workspacePaths(root);
  const config = loadConfig(paths.config);
  return { suite: loadSuite(name, { suites: config.suites, base: paths.root, settings }), root: paths.root, config };
}

const suiteFor = (cmd: Command, name: string): Suite => suiteContext(cmd, name).suite;

/** A positive number of seconds from a flag, or a usage error naming the flag. */
const seconds = (flag: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} ${v}: expected a positive number of seconds`);
  return n;
};

/** One line per task as it finishes: what each solver got, and why a task is invalid. */
function validationLine(v: TaskValidation): string {
  const head = `${v.ok ? 'ok  ' : 'FAIL'} ${v.taskId}  (oracle ${v.oracle}, null ${v.null})`;
  return v.ok ? head : `${head}: ${v.problems.join('; ')}`;
}

export function registerTasks(program: Command): void {
  const tasks = program
    .command('tasks')
    .description('list, show and validate benchmark tasks (SWE-bench and Terminal-Bench formats)');

  tasks
    .command('list')
    .description('tasks of a suite with kind, difficulty, split and tags')
    .option('--suite <name>', 'builtin, a name from evolve.json "suites", or a path', 'builtin')
    .option('--split <split>', 'train, heldout or all', 'all')
    .option('--subset <name|N>', 'a named subset, or the first N tasks by id (the tasks eval --subset N runs)')
    .option('--json', 'print as JSON')
    .action((opts: { suite: string; split: string; subset?: string; json?: boolean }, cmd: Command) => {
      if (!['train', 'heldout', 'all'].includes(opts.split))
        throw new UsageError(`--split ${opts.split}: expected train, heldout or all`);
      const suite = suiteFor(cmd, opts.suite);
      const list = selectTasks(suite, {
        split: opts.split as 'train',
        ...(opts.subset ? { subset: opts.subset } : {}),
      });
      const rows = list.map((t) => ({
        id: t.id,
        kind: t.kind,
        difficulty: t.difficulty,
        split: suite.heldout.has(t.id) ? 'heldout' : 'train',
        tags: t.tags,
      }));
      if (opts.json)
        return printJson({ suite: suite.name, source: suite.source, subsets: Object.keys(suite.subsets), tasks: rows });
      process.stdout.write(
        `${formatTable(
          ['id', 'kind', 'difficulty', 'split', 'tags'],
          rows.map((r) => [r.id, r.kind, r.difficulty, r.split, r.tags.join(',')]),
        )}\n${rows.length} tasks in ${suite.name} (${suite.source})\n`,
      );
    });

  tasks
    .command('show <id>')
    .description('what the agent is shown for a task (add --reveal for the hidden grader and gold solution)')
    .option('--suite <name>', 'suite holding the task', 'builtin')
    .option('--reveal', 'also print hidden tests and the gold solution (never shown to agents or proposers)')
    .option('--json', 'print as JSON')
    .action((id: string, opts: { suite: string; reveal?: boolean; json?: boolean }, cmd: Command) => {
      const task = suiteFor(cmd, opts.suite).tasks.find((t) => t.id === id);
      if (!task)
        throw new UsageError(
          `no task ${id} in suite ${opts.suite}`,
          'List the ids with `evolve tasks list --suite ...`.',
        );
      const shown = opts.reveal
        ? task
        : { ...agentView(task), suite: task.suite, kind: task.kind, difficulty: task.difficulty, tags: task.tags };
      if (opts.json) return printJson(shown);
      if (opts.reveal) return printJson(task);
      const v = agentView(task);
      process.stdout.write(
        `${task.id}  (${task.kind}, ${task.difficulty}; ${task.tags.join(', ')})\nworkdir: ${v.workdir}${v.visibleTestCommand ? `\nvisible tests: ${v.visibleTestCommand}` : ''}\n\n${v.statement.trim()}\n`,
      );
    });

  tasks
    .command('validate <suite>')
    .description('run the oracle and null solvers on every task: the oracle must resolve it, the null solver must not')
    .option('--subset <name|N>', 'only a named subset, or the first N tasks by id')
    .option('--concurrency <n>', 'parallel tasks', (v) => Number.parseInt(v, 10))
    .option('--sandbox <kind>', SANDBOX_KINDS.join(' or '), oneOf('--sandbox', SANDBOX_KINDS), 'docker')
    .option('--agent-timeout <sec>', "replace every task's agent (and oracle) timeout", seconds('--agent-timeout'))
    .option('--test-timeout <sec>', "replace every task's test / verifier timeout", seconds('--test-timeout'))
    .option('--agent-user <user>', "the user the solvers work as (default: the task's, root for Terminal-Bench)")
    .option('--unvalidated', `only tasks the suite's ${VALIDATED_FILE} does not hold as they are now (new or edited)`)
    .option('--record', `write each valid task to the suite's ${VALIDATED_FILE} (and drop each invalid one)`)
    .option('--json', 'print as JSON')
    .action(
      async (
        name: string,
        opts: {
          subset?: string;
          concurrency?: number;
          sandbox: SandboxKind;
          agentTimeout?: number;
          testTimeout?: number;
          agentUser?: string;
          unvalidated?: boolean;
          record?: boolean;
          json?: boolean;
        },
        cmd: Command,
      ) => {
        const { suite, root, config } = suiteContext(cmd, name, {
          ...(opts.agentTimeout ? { agentTimeoutSec: opts.agentTimeout } : {}),
          ...(opts.testTimeout ? { testTimeoutSec: opts.testTimeout } : {}),
          ...(opts.agentUser ? { agentUser: opts.agentUser } : {}),
        });
        if ((opts.record || opts.unvalidated) && !canRecord(suite.source))
          throw new UsageError(
            `${opts.record ? '--record' : '--unvalidated'}: suite ${suite.name} is a file (${suite.source}); a record of validated tasks lives in a suite folder`,
          );
        const selected = selectTasks(suite, opts.subset ? { subset: opts.subset } : {});
        const imaging = { sandbox: opts.sandbox, ...(config ? { images: { ...config.images, root: root! } } : {}) };
        const list = opts.unvalidated
          ? unvalidated(selected, readValidated(suite.source), { images: await validationImages(selected, imaging) })
          : selected;
        // Kept for reading afterwards: under the workspace's runs/ when there is one, else in the temp folder.
        const stamp = new Date().toISOString().replace(/[:.]/g, '-');
        const runsDir = root
          ? join(root, 'runs', 'validate', `${suite.name}-${stamp}`)
          : mkdtempSync(join(tmpdir(), 'evolve-validate-'));
        mkdirSync(runsDir, { recursive: true });
        const say = (line: string) => process.stderr.write(`${line}\n`);
        if (!opts.json) say(`validating ${list.length} tasks of ${suite.name}; runs kept in ${runsDir}`);
        const wiring = await wireRuns({
          sandbox: opts.sandbox,
          runsDir,
          ...(root ? { workspace: root } : {}),
          ...(config ? { images: { ...config.images, root: root! } } : {}),
        });
        const results = await validateTasks(list, wiring.runOne, {
          ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
          onResult: (v) => !opts.json && say(validationLine(v)),
          onRun: (_task, job, result) => {
            const dir = runDir(runsDir, job);
            mkdirSync(dir, { recursive: true });
            writeFileSync(join(dir, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
          },
        }).finally(() => wiring.dispose?.());
        const bad = results.filter((r) => !r.ok);
        // A record is written only for a whole validation (an interrupted one leaves it as it was).
        const recorded =
          opts.record && results.length === list.length
            ? recordValidated(suite.source, suite.tasks, results, {
                images: await validationImages(list, imaging),
              })
            : undefined;
        const recordFile = join(suite.source, VALIDATED_FILE);
        if (opts.json)
          printJson({
            suite: suite.name,
            runsDir,
            tasks: results.length,
            failed: bad.length,
            results,
            ...(recorded ? { recorded: recordFile } : {}),
          });
        else
          process.stdout.write(
            `${results.length - bad.length}/${results.length} tasks valid in ${suite.name}${bad.length ? `; invalid: ${bad.map((b) => b.taskId).join(', ')}` : ''}\nruns: ${runsDir}\n${recorded ? `recorded: ${recordFile} (${Object.keys(recorded).length} of ${suite.tasks.length} tasks validated as they are)\n` : ''}`,
          );
        if (bad.length) process.exitCode = 1;
      },
    );
}
