import type { Command } from 'commander';
import { failuresReport, type FailuresReport } from '../../lineage/failures/report.js';
import { formatTable, printJson, UsageError } from '../output.js';
import { withWorkspace } from '../workspace.js';

export function registerFailures(program: Command): void {
  program
    .command('failures [experiment]')
    .description(
      "failure clusters of an experiment, a generation or the whole lineage; what a child fixed of its parent's; failures by task tag; hacking flags",
    )
    .option('--generation <n>', 'every experiment of generation N')
    .option('--cluster <id>', 'show one cluster with its representative runs')
    .option('--json', 'print as JSON')
    .action(
      async (
        experiment: string | undefined,
        opts: { generation?: string; cluster?: string; json?: boolean },
        cmd: Command,
      ) => {
        const generation = opts.generation === undefined ? undefined : Number(opts.generation);
        if (generation !== undefined && !(Number.isInteger(generation) && generation >= 0))
          throw new UsageError(`--generation ${opts.generation}: expected a whole number of at least 0`);
        if (experiment && generation !== undefined)
          throw new UsageError('give an experiment or --generation, not both');
        await withWorkspace(cmd, async (ws) => {
          const r = await failuresReport(ws.db, {
            ...(experiment ? { experimentId: experiment } : {}),
            ...(generation !== undefined ? { generation } : {}),
            ...(opts.cluster ? { clusterId: opts.cluster } : {}),
          });
          if (opts.json) return printJson(r);
          process.stdout.write(`${renderFailures(r, Boolean(opts.cluster)).join('\n')}\n`);
        });
      },
    );
}

const list = (label: string, tasks: string[]) => (tasks.length ? [`${label} ${tasks.join(', ')}`] : []);

function renderFailures(r: FailuresReport, detail: boolean): string[] {
  const out: string[] = [`Failure clusters — ${r.scope}`];
  out.push(
    r.clusters.length === 0
      ? '  none'
      : formatTable(
          ['id', 'runs', 'tasks', 'exps', 'first seen', 'label', 'likely policy'],
          r.clusters.map((c) => [
            c.id,
            c.count,
            c.tasks.length,
            c.experiments,
            c.firstSeen ?? '–',
            c.label,
            c.pointer?.policy ?? '',
          ]),
        ),
  );
  if (detail) {
    for (const c of r.clusters) {
      out.push(
        '',
        `tasks: ${c.tasks.join(', ')}`,
        ...(c.pointer ? [`likely policy: ${c.pointer.policy} — ${c.pointer.why}`] : []),
        'representative runs:',
      );
      for (const rep of c.representatives)
        out.push(`  run ${rep.runId}  ${rep.experimentId}  ${rep.taskId}  ${rep.trajectoryPath ?? '(no trajectory)'}`);
    }
  }
  if (r.vsParent) {
    out.push('', `Against parent ${r.vsParent.parentId} (same cluster ids)`);
    if (r.vsParent.changes.length === 0) out.push('  neither has failure clusters');
    for (const c of r.vsParent.changes) {
      out.push(`  ${c.id}  ${c.parentRuns} -> ${c.childRuns} runs  ${c.label}`);
      out.push(
        ...[
          ...list('fixed:', c.fixed),
          ...list('still failing this way:', c.persisting),
          ...list('failing another way:', c.moved),
          ...list('new in the child:', c.introduced),
          ...list('not run by the child:', c.notRun),
        ].map((l) => `      ${l}`),
      );
    }
  }
  if (r.byTag.length) {
    out.push(
      '',
      'Unresolved by task tag',
      formatTable(
        ['tag', 'failed', 'of', 'share', 'likely policy'],
        r.byTag.map((t) => [
          t.tag,
          t.failed,
          t.total,
          `${Math.round((100 * t.failed) / t.total)}%`,
          t.pointer ? `${t.pointer.policy}: ${t.pointer.why}` : '',
        ]),
      ),
    );
  }
  if (r.suspicions.length || r.flagged.length) {
    out.push(
      '',
      'FLAGGED (possible objective hacking)',
      ...r.suspicions.map((s) => `  run ${s.runId} ${s.experimentId} ${s.taskId}: ${s.reasons.join(', ')}`),
      ...r.flagged.map((f) => `  ${f.experimentId}: ${f.flags.join('; ')}`),
    );
  }
  return out;
}
