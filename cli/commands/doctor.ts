import type { Command } from 'commander';
import { runDoctor, type DoctorCheck } from '../../evaluator/doctor/index.js';
import { findWorkspaceRoot, openWorkspace, WorkspaceError } from '../../lineage/workspace.js';
import { printJson } from '../output.js';

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('check Node, the database, Docker, base images and model keys; --fix repairs what it can')
    .option('--fix', 'install and start Docker, build the local base image, reap leftover containers')
    .option('--json', 'print as JSON')
    .action(async (opts: { fix?: boolean; json?: boolean }, cmd: Command) => {
      const explicit = cmd.optsWithGlobals<{ workspace?: string }>().workspace;
      const report = await runDoctor({
        fix: opts.fix === true,
        extraChecks: [() => checkWorkspace(explicit)],
        onProgress: opts.json ? undefined : (line) => process.stderr.write(`  … ${line}\n`),
      });
      process.exitCode = report.ok ? 0 : 1;
      if (opts.json) return printJson(report);
      const width = Math.max(...report.checks.map((c) => c.name.length));
      const lines = report.checks.flatMap((c) => [
        `${c.ok ? 'ok  ' : 'FAIL'}  ${c.name.padEnd(width)}  ${c.detail}`,
        ...(c.fixed ? [`      ${''.padEnd(width)}  fixed: ${c.fixed}`] : []),
        ...(!c.ok && c.fix
          ? c.fix.split('\n').map((l, i) => `      ${''.padEnd(width)}  ${i === 0 ? 'fix: ' : '     '}${l}`)
          : []),
      ]);
      const failed = report.checks.filter((c) => !c.ok).length;
      lines.push(
        report.ok
          ? '\nAll checks passed.'
          : `\n${failed} check${failed === 1 ? '' : 's'} failed.${opts.fix ? '' : ' `evolve doctor --fix` repairs what it can.'}`,
      );
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}

/** The workspace database, when there is a workspace here (doctor also runs outside one). */
async function checkWorkspace(explicit: string | undefined): Promise<DoctorCheck> {
  const name = 'workspace';
  let root: string;
  try {
    root = findWorkspaceRoot(process.cwd(), explicit);
  } catch (error) {
    if (!explicit && error instanceof WorkspaceError)
      return { name, ok: true, detail: 'none here (optional: `evolve init` creates one)' };
    return {
      name,
      ok: false,
      detail: (error as Error).message,
      fix: (error as WorkspaceError).hint ?? 'Check --workspace.',
    };
  }
  try {
    const ws = await openWorkspace(root);
    await ws.close();
    return { name, ok: true, detail: `${root} (database opens, schema up to date)` };
  } catch (error) {
    const e = error as Error & { hint?: string };
    return {
      name,
      ok: false,
      detail: `${root}: ${e.message}`,
      fix: e.hint ?? 'Restore evolve.db from a backup, or move it aside and run `evolve init` again.',
    };
  }
}
