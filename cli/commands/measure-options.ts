import type { Command } from 'commander';
import { type ProgressSnapshot, progressReporter } from '../../evaluator/progress.js';
import { SANDBOX_KINDS, type SandboxKind } from '../../evaluator/sandbox/providers.js';
import { printJson } from '../output.js';
import { withWorkspace } from '../workspace.js';
import type { Workspace } from '../../lineage/workspace.js';
import { interruptSignal, oneOf, positiveInt } from './eval.js';

// The options and the run shape `evolve compare` and `evolve noise` share: which tasks (suite, first N), how runs
// go (concurrency, sandbox), JSON or text, and an interruptible measurement in the workspace.

/** --suite, --subset, --concurrency, --sandbox and --json on `command`. */
export function measureOptions(command: Command): Command {
  return command
    .option('--suite <name>', 'suite (default: evolve.json defaults.suite)')
    .option('--subset <n>', 'only the first N tasks of the split', positiveInt('--subset'))
    .option('--concurrency <n>', 'runs at once', positiveInt('--concurrency'))
    .option('--sandbox <kind>', `sandbox: ${SANDBOX_KINDS.join(' or ')}`, oneOf('--sandbox', SANDBOX_KINDS))
    .option('--json', 'print the report as JSON');
}

export interface Measuring {
  suite: string | undefined;
  subset: number | undefined;
  concurrency: number | undefined;
  sandbox: SandboxKind | undefined;
  signal: AbortSignal;
  /** Progress on stderr, unless the report is JSON. */
  onProgress: ((snapshot: ProgressSnapshot) => void) | undefined;
}

/**
 * Runs `measure` in the command's workspace with the parsed shared options and an interrupt signal, then prints its
 * report as JSON (--json) or through `describe`.
 */
export async function runMeasurement<R>(
  command: Command,
  opts: Record<string, unknown>,
  measure: (ws: Workspace, m: Measuring) => Promise<R>,
  describe: (report: R) => string,
): Promise<void> {
  await withWorkspace(command, async (ws) => {
    const { signal, release } = interruptSignal();
    try {
      const report = await measure(ws, {
        suite: opts.suite as string | undefined,
        subset: opts.subset as number | undefined,
        concurrency: opts.concurrency as number | undefined,
        sandbox: opts.sandbox as SandboxKind | undefined,
        signal,
        onProgress: opts.json ? undefined : progressReporter(process.stderr),
      });
      if (opts.json) printJson(report);
      else process.stdout.write(describe(report));
    } finally {
      release();
    }
  });
}
