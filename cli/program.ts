import { Command, CommanderError } from 'commander';
import { registerAgent } from './commands/agent.js';
import { registerCompare } from './commands/compare.js';
import { registerDb } from './commands/db.js';
import { registerDoctor } from './commands/doctor.js';
import { registerEval } from './commands/eval.js';
import { registerExport } from './commands/export.js';
import { registerFailures } from './commands/failures.js';
import { registerImages } from './commands/images.js';
import { registerInit } from './commands/init.js';
import { registerLineage } from './commands/lineage.js';
import { registerNoise } from './commands/noise.js';
import { registerPolicies } from './commands/policies.js';
import { registerReport } from './commands/report.js';
import { registerSelfRepair } from './commands/self-repair.js';
import { registerStatus } from './commands/status.js';
import { registerStudy } from './commands/study.js';
import { registerTasks } from './commands/tasks.js';
import { registerTui } from './commands/tui.js';
import { registerWorker } from './commands/worker.js';
import { reportError } from './output.js';

// `evolve`: each command parses its flags, calls one module function and prints. Commands live in ./commands;
// ./main.ts is the process entry, tests call `main(argv)` in-process (./testing/run-cli.ts).

export function buildProgram(): Command {
  const program = new Command('evolve')
    .description('Lineage-based evolution of coding agents')
    .option('-w, --workspace <dir>', 'workspace folder (default: nearest folder upwards holding evolve.json)')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  program.configureHelp({ sortSubcommands: false });
  for (const register of [
    registerInit,
    registerStatus,
    registerLineage,
    registerDoctor,
    registerDb,
    registerImages,
    registerTui,
    registerFailures,
    registerEval,
    registerWorker,
    registerNoise,
    registerCompare,
    registerExport,
    registerAgent,
    registerPolicies,
    registerTasks,
    registerSelfRepair,
    registerStudy,
    registerReport,
  ])
    register(program);
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return Number(process.exitCode ?? 0);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; commander already printed the message for usage errors.
      return error.exitCode === 0 ? 0 : 2;
    }
    return reportError(error);
  }
}
