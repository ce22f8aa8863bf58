import type { Command } from 'commander';
import { seedRoot } from '../../lineage/experiments.js';
import { writeExperimentFolder } from '../../lineage/folders.js';
import { initWorkspace } from '../../lineage/workspace.js';
import { printJson } from '../output.js';

export function registerInit(program: Command): void {
  program
    .command('init [dir]')
    .description('create a workspace (config, database, experiments/) here or in DIR; safe to run again')
    .option('--json', 'print the result as JSON')
    .action(async (dir: string | undefined, opts: { json?: boolean }) => {
      // A new workspace starts its lineage from the baseline genome, exp-01, which is also the first champion.
      const result = await initWorkspace(dir ?? '.', async (ws) =>
        (await seedRoot(ws.db)) ? [await writeExperimentFolder(ws.db, ws.paths.experiments, 'exp-01')] : [],
      );
      if (opts.json) return printJson(result);
      process.stdout.write(
        result.created.length === 0
          ? `Workspace ${result.root} is already set up; nothing changed.\n`
          : `Workspace ready at ${result.root}\n${result.created.map((p) => `  created ${p}`).join('\n')}\n`,
      );
    });
}
