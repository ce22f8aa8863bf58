import { main } from '../program.js';

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

// Runs `evolve ARGS` in this process, as the binary would from `cwd`, capturing what it prints. Commands are not
// reentrant on process state (cwd, exitCode, stdout), so calls are serialised.
let queue: Promise<unknown> = Promise.resolve();

export function runCli(args: string[], cwd: string): Promise<CliResult> {
  const next = queue.then(() => runOnce(args, cwd));
  queue = next.catch(() => undefined);
  return next;
}

async function runOnce(args: string[], cwd: string): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const { stdout, stderr } = process;
  const writeOut = stdout.write;
  const writeErr = stderr.write;
  const capture =
    (into: string[]) =>
    (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const done = rest.find((r): r is () => void => typeof r === 'function');
      done?.();
      return true;
    };
  const before = process.cwd();
  const noColor = process.env.NO_COLOR;
  process.env.NO_COLOR = '1';
  process.exitCode = undefined;
  stdout.write = capture(out) as typeof stdout.write;
  stderr.write = capture(err) as typeof stderr.write;
  try {
    process.chdir(cwd);
    const code = await main(args);
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    stdout.write = writeOut;
    stderr.write = writeErr;
    process.chdir(before);
    process.exitCode = undefined;
    if (noColor === undefined) delete process.env.NO_COLOR;
    else process.env.NO_COLOR = noColor;
  }
}
