import type { Command } from 'commander';
import { workspaceStatus } from '../../lineage/status.js';
import { printJson } from '../output.js';
import { withWorkspace } from '../workspace.js';

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('the workspace at a glance: experiments by status, champion, last generation, runs pending')
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      await withWorkspace(cmd, async (ws) => {
        const s = await workspaceStatus(ws.db);
        if (opts.json) return printJson({ workspace: ws.paths.root, ...s });
        const counts = (o: Record<string, number>) =>
          Object.entries(o)
            .filter(([, n]) => n > 0)
            .map(([k, n]) => `${k} ${n}`)
            .join(', ') || 'none';
        process.stdout.write(
          [
            `workspace    ${ws.paths.root}`,
            `experiments  ${counts(s.experiments)}`,
            `champion     ${s.champion ? `${s.champion.id} (${s.champion.score === null ? 'not yet scored' : `score ${s.champion.score.toFixed(3)}`}, since ${s.champion.since})` : 'none yet'}`,
            `generation   ${s.lastGeneration ? `#${s.lastGeneration.id} from ${s.lastGeneration.parent}, ${s.lastGeneration.status}` : 'none yet'}`,
            `runs         ${counts(s.runs)}`,
          ].join('\n') + '\n',
        );
      });
    });
}
