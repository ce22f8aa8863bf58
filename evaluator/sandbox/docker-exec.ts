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
    exec = await container.exec({ Cmd: ['bash', '-c', req.command], AttachStdout: true, AttachStderr: true, User: req.user, WorkingDir: req.cwd, Env: env });
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
  container.modem.demuxStream(stream, sink, sink);
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
  const info = await exec.inspect().catch((error: unknown) => {
    throw fromDockerError(error, 'reading a command exit code');
  });
  const exitCode = timedOut ? 124 : (info.ExitCode ?? -1);
  return { exitCode, output: output.text(), timedOut, truncated: output.truncated, durationMs: Date.now() - started };
}

/**
 * SIGKILLs every process carrying the marker, repeating while any are found (a fork bomb keeps forking). Runs as
 * the command's own user: Docker drops CAP_SYS_PTRACE, so root may not read another user's /proc/PID/environ.
 */
export async function killMarked(container: Docker.Container, marker: string, user: string): Promise<void> {
  const script = [
    'for round in 1 2 3 4 5 6 7 8 9 10; do',
    '  found=0',
    '  for p in /proc/[0-9]*; do',
    `    if grep -qsxz "${EXEC_MARKER}=$M" "$p/environ"; then kill -9 "\${p#/proc/}" 2>/dev/null; found=1; fi`,
    '  done',
    '  [ "$found" = 0 ] && break',
    'done',
  ].join('\n');
  try {
    const exec = await container.exec({ Cmd: ['bash', '-c', script], AttachStdout: true, AttachStderr: true, User: user, Env: [`M=${marker}`] });
    const stream = await exec.start({ hijack: true, stdin: false });
    await new Promise<void>((resolve) => {
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', resolve);
      stream.resume();
    });
  } catch {
    // The container may be gone already; then so are the processes.
  }
}
