import type { Command } from 'commander';
import { failuresReport } from '../../lineage/failures/report.js';
import { formatTable, printJson } from '../output.js';
import { withWorkspace } from '../workspace.js';

export function registerFailures(program: Command): void {
  program
    .command('failures [experiment]')
    .description('failure clusters of an experiment (or the whole lineage), failures by task tag, and hacking flags')
    .option('--cluster <id>', 'show one cluster with its representative runs')
    .option('--json', 'print as JSON')
    .action(async (experiment: string | undefined, opts: { cluster?: string; json?: boolean }, cmd: Command) => {
      await withWorkspace(cmd, async (ws) => {
        const r = await failuresReport(ws.db, experiment, opts.cluster);
        if (opts.json) return printJson(r);
        const out: string[] = [`Failure clusters — ${r.scope}`];
        out.push(r.clusters.length === 0 ? '  none' : formatTable(['id', 'runs', 'tasks', 'label'], r.clusters.map((c) => [c.id, c.count, c.tasks.length, c.label])));
        if (opts.cluster) {
          for (const c of r.clusters) {
            out.push('', `tasks: ${c.tasks.join(', ')}`, 'representative runs:');
            for (const rep of c.representatives) out.push(`  run ${rep.runId}  ${rep.experimentId}  ${rep.taskId}  ${rep.trajectoryPath ?? '(no trajectory)'}`);
          }
        }
        if (r.byTag.length) out.push('', 'Unresolved by task tag', formatTable(['tag', 'failed', 'of', 'share'], r.byTag.map((t) => [t.tag, t.failed, t.total, `${Math.round((100 * t.failed) / t.total)}%`])));
        if (r.suspicions.length || r.flagged.length) out.push('', 'FLAGGED (possible objective hacking)', ...r.suspicions.map((s) => `  run ${s.runId} ${s.experimentId} ${s.taskId}: ${s.reasons.join(', ')}`), ...r.flagged.map((f) => `  ${f.experimentId}: ${f.flags.join('; ')}`));
        process.stdout.write(`${out.join('\n')}\n`);
      });
    });
}
