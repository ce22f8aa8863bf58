import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type Docker from 'dockerode';
import { fromDockerError } from './errors.js';
import { CappedOutput, DEFAULT_OUTPUT_CAP } from './output.js';
import type { ExecResult } from './types.js';

// One command in a running container: `bash -c`, output capped while streaming, killed with all its children at
// the timeout. Every process of the command inherits a marker variable, so the killer finds them all, even those
// that left the process group with setsid.

export interface DockerExecRequest {
  command: string;
  user: string;
  cwd: string;
  env?: Record<string, string>;
  timeoutMs?: number;
  outputCapBytes?: number;
}

/**
 * The command runs in an inner bash with stderr merged into stdout (so output keeps its true order); the wrapper
 * then reports the exit code on stderr, which saves an inspect round trip per command.
 */
const WRAPPER = 'bash -c "$1" 2>&1; printf "\\n%d" "$?" >&2';

/** After the kill, how long to wait for the output stream to close before giving up on it. */
const STREAM_GRACE_MS = 5_000;
export const EXEC_MARKER = 'EVOLVE_EXEC';

export async function dockerExec(container: Docker.Container, req: DockerExecRequest): Promise<ExecResult> {
  const started = Date.now();
  const marker = randomBytes(8).toString('hex');
  const env = Object.entries({ ...req.env, [EXEC_MARKER]: marker }).map(([k, v]) => `${k}=${v}`);
  const output = new CappedOutput(req.outputCapBytes ?? DEFAULT_OUTPUT_CAP);
  let exec: Docker.Exec;
  let stream: NodeJS.ReadableStream & { destroy?: () => void };
  try {
    exec = await container.exec({
      Cmd: ['bash', '-c', WRAPPER, 'evolve-exec', req.command],
      AttachStdout: true,
      AttachStderr: true,
      User: req.user,
      WorkingDir: req.cwd,
      Env: env,
    });
    stream = (await exec.start({ hijack: true, stdin: false })) as typeof stream;
  } catch (error) {
    throw fromDockerError(error, 'starting a command');
  }
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      output.push(chunk);
      done();
    },
  });
  let trailer = '';
  const status = new Writable({
    write(chunk: Buffer, _enc, done) {
      trailer = (trailer + chunk.toString('latin1')).slice(-32);
      done();
    },
  });
  container.modem.demuxStream(stream, sink, status);
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  await new Promise<void>((resolve) => {
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      resolve();
    };
    stream.on('end', finish);
    stream.on('close', finish);
    stream.on('error', finish);
    if (req.timeoutMs !== undefined) {
      timer = setTimeout(() => {
        timedOut = true;
        void killMarked(container, marker, req.user).finally(() => {
          setTimeout(() => {
            stream.destroy?.();
            finish();
          }, STREAM_GRACE_MS).unref();
        });
      }, req.timeoutMs);
    }
  });
  let exitCode = timedOut ? 124 : Number(/(?:^|\n)(\d+)$/.exec(trailer)?.[1] ?? NaN);
  if (Number.isNaN(exitCode)) {
    // No trailer: the wrapper itself was killed. Ask the engine.
    const info = await exec.inspect().catch((error: unknown) => {
      throw fromDockerError(error, 'reading a command exit code');
    });
    exitCode = info.ExitCode ?? -1;
  }
  return { exitCode, output: output.text(), timedOut, truncated: output.truncated, durationMs: Date.now() - started };
}

/**
 * SIGKILLs every process carrying the marker, repeating while any are found (a fork bomb keeps forking). Runs as
 * the command's own user: Docker drops CAP_SYS_PTRACE, so root may not read another user's /proc/PID/environ.
 */
export async function killMarked(container: Docker.Container, marker: string, user: string): Promise<void> {
  // Bash builtins only: under a fork bomb the pids limit leaves no room for grep or a subshell.
  const script = [
    'for round in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do',
    '  found=0',
    '  for p in /proc/[0-9]*; do',
    '    while IFS= read -r -d "" v; do',
    `      if [[ $v == "${EXEC_MARKER}=$M" ]]; then kill -9 "\${p#/proc/}" 2>/dev/null; found=1; break; fi`,
    '    done 2>/dev/null < "$p/environ"',
    '  done',
    '  [[ $found == 0 ]] && break',
    'done',
  ].join('\n');
  for (let attempt = 0; attempt < 5; attempt++) {
    if (await runKiller(container, script, marker, user)) return;
    await new Promise((r) => setTimeout(r, 200)); // no pid free for the killer yet: try again
  }
}

async function runKiller(container: Docker.Container, script: string, marker: string, user: string): Promise<boolean> {
  try {
    const exec = await container.exec({
      Cmd: ['bash', '-c', script],
      AttachStdout: true,
      AttachStderr: true,
      User: user,
      Env: [`M=${marker}`],
    });
    const stream = await exec.start({ hijack: true, stdin: false });
    await new Promise<void>((resolve) => {
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', resolve);
      stream.resume();
    });
    return (await exec.inspect()).ExitCode === 0;
  } catch {
    return true; // the container is gone, and its processes with it
  }
}
