import type { Command } from 'commander';
import { compareExperiments, describeComparison } from '../../lineage/compare.js';
import { oneOf, positiveInt } from './eval.js';
import { measureOptions, runMeasurement } from './measure-options.js';

export function registerCompare(program: Command): void {
  measureOptions(
    program
      .command('compare')
      .description(
        'B against A on one split, paired by task: difference, paired 95% interval, the exact test (runs what is missing)',
      )
      .argument('<a>', 'the baseline experiment, e.g. exp-01')
      .argument('<b>', 'the experiment compared with it, e.g. champion (the current champion)')
      .option('--split <split>', 'train or heldout (default: heldout)', oneOf('--split', ['train', 'heldout'] as const))
      .option('--repeats <k>', 'runs per task at least (finished runs beyond this count too)', positiveInt('--repeats'))
      .option('--no-run', 'compare the finished runs there are; start none'),
  ).action(async (a: string, b: string, opts: Record<string, unknown>, cmd: Command) => {
    await runMeasurement(
      cmd,
      opts,
      (ws, m) =>
        compareExperiments(ws, {
          ...m,
          a,
          b,
          run: opts.run !== false,
          split: (opts.split as 'train' | 'heldout' | undefined) ?? 'heldout',
          repeats: opts.repeats as number | undefined,
        }),
      describeComparison,
    );
  });
}
