import type { Command } from 'commander';
import { progressReporter } from '../../evaluator/progress.js';
import { SANDBOX_KINDS } from '../../evaluator/sandbox/providers.js';
import { compareExperiments, describeComparison } from '../../lineage/compare.js';
import { printJson } from '../output.js';
import { withWorkspace } from '../workspace.js';
import { interruptSignal, oneOf, positiveInt } from './eval.js';

export function registerCompare(program: Command): void {
  program
    .command('compare')
    .description(
      'B against A on one split, paired by task: difference, paired 95% interval, the exact test (runs what is missing)',
    )
    .argument('<a>', 'the baseline experiment, e.g. exp-01')
    .argument('<b>', 'the experiment compared with it, e.g. the champion')
    .option('--split <split>', 'train or heldout (default: heldout)', oneOf('--split', ['train', 'heldout'] as const))
    .option('--suite <name>', 'suite (default: evolve.json defaults.suite)')
    .option('--repeats <k>', 'runs per task at least (finished runs beyond this count too)', positiveInt('--repeats'))
    .option('--subset <n>', 'only the first N tasks of the split', positiveInt('--subset'))
    .option('--concurrency <n>', 'runs at once', positiveInt('--concurrency'))
    .option('--sandbox <kind>', `sandbox: ${SANDBOX_KINDS.join(' or ')}`, oneOf('--sandbox', SANDBOX_KINDS))
    .option('--no-run', 'compare the finished runs there are; start none')
    .option('--json', 'print the report as JSON')
    .action(async (a: string, b: string, opts: Record<string, unknown>, cmd: Command) => {
      await withWorkspace(cmd, async (ws) => {
        const { signal, release } = interruptSignal();
        try {
          const report = await compareExperiments(ws, {
            a,
            b,
            run: opts.run !== false,
            split: (opts.split as 'train' | 'heldout' | undefined) ?? 'heldout',
            suite: opts.suite as string | undefined,
            repeats: opts.repeats as number | undefined,
            subset: opts.subset as number | undefined,
            concurrency: opts.concurrency as number | undefined,
            sandbox: opts.sandbox as (typeof SANDBOX_KINDS)[number] | undefined,
            signal,
            onProgress: opts.json ? undefined : progressReporter(process.stderr),
          });
          if (opts.json) printJson(report);
          else process.stdout.write(describeComparison(report));
        } finally {
          release();
        }
      });
    });
}
