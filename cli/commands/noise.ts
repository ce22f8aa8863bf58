import type { Command } from 'commander';
import { describeNoise, measureNoise } from '../../lineage/noise.js';
import { UsageError } from '../output.js';
import { oneOf, positiveInt } from './eval.js';
import { measureOptions, runMeasurement } from './measure-options.js';

export function registerNoise(program: Command): void {
  measureOptions(
    program
      .command('noise')
      .description('A/A: evaluate one experiment K times on the same tasks and report the spread (the noise floor)')
      .argument('<experiment>', 'experiment id, e.g. exp-01')
      .option('--repeats <k>', 'repeats (at least 2; default 3)', positiveInt('--repeats'), 3)
      .option('--split <split>', 'train or heldout', oneOf('--split', ['train', 'heldout'] as const)),
  ).action(async (experimentId: string, opts: Record<string, unknown>, cmd: Command) => {
    const repeats = opts.repeats as number;
    if (repeats < 2) throw new UsageError('--repeats must be at least 2: an A/A comparison needs two evaluations');
    await runMeasurement(
      cmd,
      opts,
      (ws, m) =>
        measureNoise(ws, { ...m, experimentId, repeats, split: opts.split as 'train' | 'heldout' | undefined }),
      describeNoise,
    );
  });
}
