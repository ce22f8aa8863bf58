import { resolve } from 'node:path';
import type { Command } from 'commander';
import { readLineageReport, readStudyReport } from '../../lineage/report/data.js';
import { renderReport } from '../../lineage/report/html.js';
import { listStudies } from '../../lineage/study/studies.js';
import { writeFileAtomic } from '../../lineage/workspace.js';
import { printJson } from '../output.js';
import { withWorkspace } from '../workspace.js';

export function registerReport(program: Command): void {
  program
    .command('report [target]')
    .description(
      'a self-contained HTML report (SVG plots, a table under each) of a study, or of this lineage with the path to an experiment highlighted',
    )
    .requiredOption('--out <file>', 'the HTML file to write')
    .option(
      '--replicate <condition/rK>',
      "a study's replicate whose lineage tree is drawn (default: the best final score)",
    )
    .option('--json', 'also print the numbers the report was drawn from')
    .action(
      async (target: string | undefined, f: { out: string; replicate?: string; json?: boolean }, cmd: Command) => {
        await withWorkspace(cmd, async (ws) => {
          const isStudy = target !== undefined && (await listStudies(ws.db)).some((s) => s.name === target);
          const data = isStudy
            ? await readStudyReport(ws, target, f.replicate ? { replicate: f.replicate } : {})
            : await readLineageReport(ws, target);
          const out = resolve(f.out);
          writeFileAtomic(out, await renderReport(data));
          if (f.json) printJson({ out, ...data });
          else
            process.stdout.write(
              `wrote ${out} (${data.replicates.length} replicate${data.replicates.length === 1 ? '' : 's'})\n`,
            );
        });
      },
    );
}
