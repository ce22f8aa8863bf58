import { Writable } from 'node:stream';
import type Docker from 'dockerode';
import { fromDockerError, SandboxError } from './errors.js';

// Files in and out of a running container through its own main process, a root shell loop reading requests on
// the stdin the engine keeps attached. Each putArchive or getArchive costs the engine a chrooted helper process
// (about 100 ms here); a request on this channel costs a pipe write and a tar or base64 in the container (a few
// ms). Images without bash, dd, tar and base64 get no loop; the sandbox then uses the archive API, as before.

/**
 * The loop the container's main process runs (see channelCommand), ending in `sleep infinity` so the container
 * lives until it is killed. `read` takes a shell's stdin one byte at a time, so it never swallows the tar after a
 * request line; `dd` with count_bytes reads exactly the tar, never past it, and `cat` drains whatever tar leaves
 * unread, so the next request starts where it should.
 */
const LOOP = String.raw`
set -o pipefail
err=$(mktemp)
printf 'evolve-files ready\n'
while IFS=' ' read -r op id n path; do
  case $op in
    W) dd bs=65536 count="$n" iflag=fullblock,count_bytes status=none | { tar -x -C / -f - 2>"$err"; s=$?; cat >/dev/null; exit $s; }
       s=$?
       if [ $s = 0 ]; then printf '%s 0 \n' "$id"; else printf '%s %d ' "$id" "$s"; base64 -w0 < "$err"; printf '\n'; fi ;;
    R) if [ ! -e "$path" ]; then printf '%s 2 \n' "$id"
       elif [ ! -f "$path" ]; then printf '%s 21 \n' "$id"
       elif [ ! -r "$path" ]; then printf '%s 13 \n' "$id"
       else printf '%s 0 ' "$id"; base64 -w0 < "$path"; printf '\n'; fi ;;
  esac
done
exec sleep infinity`;

/**
 * The container's command: `sh` checks the loop's tools and runs it in bash, else just sleeps. `adopt` gives a
 * workdir built into the image to the sandbox user before anything else runs, which saves an exec per sandbox; the
 * first line (ready, none or adopt-failed) comes only after it.
 */
export function channelCommand(adopt?: { dir: string; owner: string }): string[] {
  const prelude = 'if [ -n "$1" ]; then chown -R "$2" "$1" || { printf "evolve-files adopt-failed\\n"; exec sleep infinity; }; fi';
  const loop = '{ command -v bash && command -v dd && command -v tar && command -v base64; } >/dev/null 2>&1 && exec bash -c "$0"; printf "evolve-files none\\n"; exec sleep infinity';
  return ['sh', '-c', `${prelude}; ${loop}`, LOOP, adopt?.dir ?? '', adopt?.owner ?? ''];
}

/** Docker attach options that keep the main process's stdin open for the container's life. */
export const CHANNEL_CONFIG = { OpenStdin: true, StdinOnce: false, AttachStdin: true, AttachStdout: true, AttachStderr: false, Tty: false } as const;

/** A generous bound: a request is a tar or base64 of files already on disk, so seconds mean the loop is stuck. */
const REPLY_TIMEOUT_MS = 120_000;

interface Pending {
  resolve: (reply: { status: number; body: string }) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export class FileChannel {
  private parts: string[] = [];
  private next = 1;
  private readonly pending = new Map<number, Pending>();
  private closed: Error | undefined;
  /** Resolves true once the loop says it runs, false when the image lacks its tools (or the stream ends first). */
  readonly ready: Promise<boolean>;
  /** Set when the container could not give the workdir to the sandbox user (channelCommand's adopt). */
  adoptFailed = false;
  private settleReady!: (ok: boolean) => void;

  private constructor(private readonly stream: NodeJS.ReadWriteStream & { destroy?: () => void }, modem: Docker['modem']) {
    this.ready = new Promise((r) => (this.settleReady = r));
    const sink = new Writable({
      write: (chunk: Buffer, _enc, done) => {
        this.onData(chunk.toString('latin1'));
        done();
      },
    });
    modem.demuxStream(stream, sink, sink);
    const end = (why: string) => () => this.fail(new SandboxError('container_gone', `the sandbox's file channel ${why}`, 'The container stopped or was removed from outside evolve; the run is retried once.'));
    stream.on('end', end('closed'));
    stream.on('close', end('closed'));
    stream.on('error', end('failed'));
  }

  /** Attaches to a created (not yet started) container, so the loop's first line is not missed. */
  static async attach(container: Docker.Container): Promise<FileChannel> {
    try {
      const stream = (await container.attach({ stream: true, stdin: true, stdout: true, stderr: false, hijack: true })) as NodeJS.ReadWriteStream;
      return new FileChannel(stream, container.modem);
    } catch (error) {
      throw fromDockerError(error, 'attaching to the container');
    }
  }

  /** Extracts a tar (absolute names, leading slash dropped) at / as root; owners and modes come from the tar. */
  async write(archive: Buffer): Promise<void> {
    const reply = await this.request(`W ${this.next} ${archive.length}\n`, archive);
    if (reply.status !== 0) {
      const message = Buffer.from(reply.body, 'base64').toString('utf8').trim();
      if (/no space left on device/i.test(message)) throw new SandboxError('disk_full', `disk full while copying into the sandbox: ${message}`, 'Free disk space and run again; finished runs are kept.');
      throw new SandboxError('io', `copying into the sandbox failed (tar exit ${reply.status}): ${message.slice(-600)}`);
    }
  }

  /** A file's bytes; errors carry code ENOENT or EISDIR (or EACCES) as fs errors do. */
  async read(path: string): Promise<Buffer> {
    if (/[\n\r]/.test(path)) throw new SandboxError('io', `cannot read a path with a line break: ${JSON.stringify(path)}`);
    const reply = await this.request(`R ${this.next} 0 ${path}\n`);
    const code = ({ 2: 'ENOENT', 21: 'EISDIR', 13: 'EACCES' } as Record<number, string>)[reply.status];
    if (code) throw Object.assign(new Error(`${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'not a regular file' : 'not readable'} in the sandbox: ${path}`), { code });
    return Buffer.from(reply.body, 'base64');
  }

  close(): void {
    this.fail(new SandboxError('container_gone', 'the sandbox was disposed'));
    this.stream.destroy?.();
  }

  private request(line: string, body?: Buffer): Promise<{ status: number; body: string }> {
    if (this.closed) return Promise.reject(this.closed);
    const id = this.next++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new SandboxError('io', `the sandbox did not answer a file request within ${REPLY_TIMEOUT_MS / 1000} s`, 'The container is probably out of processes (a fork bomb) or memory.'));
      }, REPLY_TIMEOUT_MS);
      timer.unref();
      this.pending.set(id, { resolve, reject, timer });
      this.stream.write(body ? Buffer.concat([Buffer.from(line, 'latin1'), body]) : line);
    });
  }

  /** Lines can be megabytes of base64: chunks are kept apart and only each new chunk is searched. */
  private onData(text: string): void {
    let rest = text;
    for (let nl = rest.indexOf('\n'); nl >= 0; nl = rest.indexOf('\n')) {
      this.parts.push(rest.slice(0, nl));
      rest = rest.slice(nl + 1);
      const line = this.parts.join('');
      this.parts = [];
      this.onLine(line);
    }
    if (rest) this.parts.push(rest);
  }

  private onLine(line: string): void {
    if (line.startsWith('evolve-files ')) {
      this.adoptFailed = line === 'evolve-files adopt-failed';
      return this.settleReady(line === 'evolve-files ready');
    }
    const m = /^(\d+) (\d+) ?(.*)$/s.exec(line);
    const waiter = m && this.pending.get(Number(m[1]));
    if (!m || !waiter) return;
    this.pending.delete(Number(m[1]));
    clearTimeout(waiter.timer);
    waiter.resolve({ status: Number(m[2]), body: m[3] ?? '' });
  }

  private fail(error: Error): void {
    this.settleReady(false);
    if (this.closed) return;
    this.closed = error;
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(error);
      this.pending.delete(id);
    }
  }
}
