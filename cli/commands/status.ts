import type { Command } from 'commander';
import type { SpendSummary } from '../../lineage/spend.js';
import { workspaceStatus } from '../../lineage/status.js';
import { printJson } from '../output.js';
import { withWorkspace } from '../workspace.js';

const usd = (x: number) => `$${x.toFixed(4)}`;

/** Runs (the agent under test) and the lineage's own model users, apart; unpriced calls are said, never $0. */
export function spendLine(s: SpendSummary): string {
  const runs = `runs ${usd(s.runs.dollars)}${s.runs.unpriced ? ` (+${s.runs.unpriced} unpriced)` : ''}`;
  const own = Object.entries(s.lineage).map(
    ([purpose, p]) => `${purpose} ${usd(p.dollars)}${p.unpriced ? ` (+${p.unpriced} unpriced calls)` : ''}`,
  );
  return [runs, ...own].join(', ');
}

/** `▃▃▅▆ 37.5% -> 62.5% over 3 generations`: the champion's score by generation (0: the root). */
export function byGenerationLine(scores: Array<number | null>, spark: string): string {
  const known = scores.filter((x): x is number => x !== null);
  if (scores.length <= 1 || known.length === 0) return 'no generation yet';
  const p = (x: number) => `${(100 * x).toFixed(1)}%`;
  return `${spark}  ${p(known[0]!)} -> ${p(known.at(-1)!)} over ${scores.length - 1} generation${scores.length === 2 ? '' : 's'}`;
}

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
            `runs         ${counts(s.runs)}${s.runs.interrupted ? ' (interrupted: left running by a process that is gone; the next command resumes them)' : ''}`,
            `spend        ${spendLine(s.spend)}`,
            `by generation ${byGenerationLine(s.byGeneration.scores, s.byGeneration.sparkline)}`,
          ].join('\n') + '\n',
        );
      });
    });
}
