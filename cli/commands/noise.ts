import type { Command } from 'commander';
import { progressReporter } from '../../evaluator/progress.js';
import { SANDBOX_KINDS } from '../../evaluator/sandbox/providers.js';
import { describeNoise, measureNoise } from '../../lineage/noise.js';
import { printJson, UsageError } from '../output.js';
import { withWorkspace } from '../workspace.js';
import { interruptSignal, oneOf, positiveInt } from './eval.js';

export function registerNoise(program: Command): void {
  program
    .command('noise')
    .description('A/A: evaluate one experiment K times on the same tasks and report the spread (the noise floor)')
    .argument('<experiment>', 'experiment id, e.g. exp-01')
    .option('--repeats <k>', 'repeats (at least 2; default 3)', positiveInt('--repeats'), 3)
    .option('--suite <name>', 'suite (default: evolve.json defaults.suite)')
    .option('--split <split>', 'train or heldout', oneOf('--split', ['train', 'heldout'] as const))
    .option('--subset <n>', 'only the first N tasks of the split', positiveInt('--subset'))
    .option('--concurrency <n>', 'runs at once', positiveInt('--concurrency'))
    .option('--sandbox <kind>', `sandbox: ${SANDBOX_KINDS.join(' or ')}`, oneOf('--sandbox', SANDBOX_KINDS))
    .option('--json', 'print the report as JSON')
    .action(async (experimentId: string, opts: Record<string, unknown>, cmd: Command) => {
      const repeats = opts.repeats as number;
      if (repeats < 2) throw new UsageError('--repeats must be at least 2: an A/A comparison needs two evaluations');
      await withWorkspace(cmd, async (ws) => {
        const { signal, release } = interruptSignal();
        try {
          const report = await measureNoise(ws, {
            experimentId,
            repeats,
            suite: opts.suite as string | undefined,
            split: opts.split as 'train' | 'heldout' | undefined,
            subset: opts.subset as number | undefined,
            concurrency: opts.concurrency as number | undefined,
            sandbox: opts.sandbox as (typeof SANDBOX_KINDS)[number] | undefined,
            signal,
            onProgress: opts.json ? undefined : progressReporter(process.stderr),
          });
          if (opts.json) printJson(report);
          else process.stdout.write(describeNoise(report));
        } finally {
          release();
        }
      });
    });
}
