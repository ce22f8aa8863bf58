import type { Command } from 'commander';
import { serveWorker } from '../../lineage/cluster.js';
import { withWorkspace } from '../workspace.js';
import { interruptSignal, positiveInt } from './eval.js';

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description("take queued runs from the workspace's cluster (evolve.json cluster) and run them here until stopped")
    .option('--concurrency <c>', 'runs in parallel on this machine (default 1)', positiveInt('--concurrency'))
    .option(
      '--labels <list>',
      'comma-separated labels this worker serves (default: unlabelled runs only; "default" names them)',
    )
    .action(async (opts: Record<string, unknown>, cmd: Command) => {
      await withWorkspace(cmd, async (ws) => {
        const labels = (opts.labels as string | undefined)
          ?.split(',')
          .map((l) => l.trim())
          .filter(Boolean);
        const { signal, release } = interruptSignal();
        const concurrency = (opts.concurrency as number | undefined) ?? 1;
        process.stderr.write(
          `worker ${process.pid}: serving ${labels?.join(', ') || 'default'} runs, ${concurrency} at a time (Ctrl-C stops)\n`,
        );
        try {
          const { finished } = await serveWorker({
            home: ws,
            concurrency,
            ...(labels ? { labels } : {}),
            signal,
            onEvent: (e) => {
              if (e.type === 'start')
                process.stderr.write(
                  `started ${e.payload.experimentId} ${e.payload.task.id}#${e.payload.repeat} (attempt ${e.attempt})\n`,
                );
              else if (e.type === 'finish')
                process.stderr.write(
                  `finished ${e.payload.experimentId} ${e.payload.task.id}#${e.payload.repeat}: ${e.status}${e.result.outcome ? ` ${e.result.outcome}` : ''}${e.result.infraError ? ` (${e.result.infraError.kind})` : ''}\n`,
                );
              else if (e.type === 'bad-job') process.stderr.write(`${e.message}\n`);
            },
          });
          process.stderr.write(`worker ${process.pid}: stopped after ${finished} runs\n`);
          process.exitCode = signal.aborted ? 130 : 0;
        } finally {
          release();
        }
      });
    });
}
