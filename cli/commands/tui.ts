import type { Command } from 'commander';
import { UsageError } from '../output.js';
import { withWorkspace } from '../workspace.js';

export function registerTui(program: Command): void {
  program
    .command('tui')
    .description('browse the lineage tree, experiments, failure clusters and trajectories; follow a running generation')
    .action(async (_opts: unknown, cmd: Command) => {
      if (!process.stdin.isTTY) {
        throw new UsageError(
          'evolve tui needs an interactive terminal (stdin is not a TTY)',
          'Use `evolve tree`, `evolve context ID` (or experiments/ID/README.md), `evolve failures` or `evolve status` for plain text output.',
        );
      }
      // Loaded on demand so other commands do not pay for ink and react at start-up.
      const { runTui } = await import('../../tui/run.js');
      await withWorkspace(cmd, (ws) => runTui(ws.db, ws.paths.root));
    });
}
