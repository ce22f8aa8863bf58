import type { Command } from 'commander';
import { exportExperiments } from '../../lineage/export-experiments.js';
import { printJson } from '../output.js';
import { withWorkspace } from '../workspace.js';

export function registerExport(program: Command): void {
  program
    .command('export [experiments...]')
    .description('write results.tsv, experiments.jsonl, SWE-bench predictions and reports for other tools')
    .option('--out <dir>', 'output folder', 'export')
    .option('--json', 'print the written files as JSON')
    .action(async (experimentIds: string[], opts: { out: string; json?: boolean }, cmd: Command) => {
      await withWorkspace(cmd, async (ws) => {
        const files = await exportExperiments(ws, { outDir: opts.out, experimentIds });
        if (opts.json) return printJson({ files });
        process.stdout.write(`${files.map((f) => `wrote ${f}`).join('\n')}\n`);
      });
    });
}
