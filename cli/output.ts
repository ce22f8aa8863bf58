// How every command prints: a plain table/text for people, --json for scripts, and one-paragraph errors.

export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    readonly hint = 'See `evolve --help`.',
  ) {
    super(message);
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Left-aligned columns; the widest cell of each column sets its width. */
export function formatTable(header: string[], rows: Array<Array<string | number>>): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ')).join('\n');
}

/** Errors that carry a `hint` are user-facing: print message and fix. Anything else is a bug: print the stack. */
export function reportError(error: unknown): number {
  const e = error as { name?: string; message?: string; hint?: string; stack?: string; exitCode?: number };
  if (typeof e?.hint === 'string') {
    process.stderr.write(`error: ${e.message}\n${e.hint}\n`);
    return e.exitCode ?? (e.name === 'UsageError' ? 2 : 1);
  }
  process.stderr.write(
    `error: ${e?.stack ?? String(error)}\n(This looks like a bug in evolve; please report it with the command you ran.)\n`,
  );
  return 1;
}
