import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type Docker from 'dockerode';
import { fromDockerError, SandboxError } from './errors.js';

// Files and commands through a running container's own main process: a root shell loop reading requests on the
// stdin the engine keeps attached. Each putArchive, getArchive or exec costs the engine a helper process and a
// round of runc (75-100 ms here, and CPU in dockerd and containerd); a request on this channel costs a pipe write
// and a few processes in the container (a few ms). What the image lacks tools for is left to the engine's API.

/**
 * The loop the container's main process runs (see channelCommand), ending in `sleep infinity` so the container
 * lives until it is killed. `read` takes a shell's stdin one byte at a time, so it never swallows the body after a
 * request line; `dd` with count_bytes reads exactly the body, never past it, and `cat` drains whatever tar leaves
 * unread, so the next request starts where it should.
 *
 * The host's first line is a random token, never in any argv or environment: every request must carry it (else the
 * loop exits and the container stops, so a request can never be made of a file's bytes after a failed read), and
 * every reply does (so no process in the container can forge one by writing to the loop's output).
 *
 * A command (X) runs in its own session as the requested uid, stdin from /dev/null, output into a pipe whose
 * reader keeps the first `cap` bytes in a root-only file and counts the rest, so nothing past the cap is stored.
 * The reader is `head` unbuffered (stdbuf): it never reads past the cap and writes each read at once, so a
 * reader killed early has lost nothing it took.
 * The command's processes carry EVOLVE_EXEC=marker, by which the host kills them at a timeout. The loop enforces
 * the timeout too, with no process to start: a small wrapper started with the command reports its pid (its session
 * and process group) and then its exit status on a fifo, the loop waits for the status with `read -t`, and at the
 * deadline SIGKILLs the command's process group with the `kill` builtin. So a fork bomb that holds every pid the
 * container may have (where the host's killer, an engine exec, cannot start) is gone once its timeout passes.
 * A background process may keep the pipe open after the command exits: the reader is then given 2 s, as the engine
 * gives an exec, and killed. The command never holds the channel's own descriptors.
 */
/** A literal dollar, for the loop's own ${...} expansions inside the template. */
const D = '$';
const LOOP = String.raw`
set -o pipefail
IFS= read -r tok || exit 1
dir=$(mktemp -d) || { printf 'evolve-channel none\n'; exec sleep infinity; }
err=$dir/err out=$dir/out
caps=files
if { command -v setsid && command -v setpriv && command -v stdbuf && command -v head && command -v wc && mkfifo "$dir/done" "$dir/exit"; } >/dev/null 2>&1; then
  exec {sig}<>"$dir/done" {ex}<>"$dir/exit"
  caps='files commands'
fi
reap() {
  local p v
  for p in /proc/[0-9]*; do
    while IFS= read -r -d '' v; do
      if [[ $v == "$1" ]]; then kill -9 "${D}{p#/proc/}" 2>/dev/null; break; fi
    done 2>/dev/null < "$p/environ"
  done
}
printf 'evolve-channel ready %s\n' "$caps"
while IFS=' ' read -r t op id n rest; do
  [ "$t" = "$tok" ] || exit 1
  case $op in
    W) dd bs=65536 count="$n" iflag=fullblock,count_bytes status=none | { tar -x -C / -f - 2>"$err"; s=$?; cat >/dev/null; exit $s; }
       s=$?
       if [ $s = 0 ]; then printf '%s %s 0 \n' "$tok" "$id"; else printf '%s %s %d ' "$tok" "$id" "$s"; base64 -w0 < "$err"; printf '\n'; fi ;;
    R) p=${D}{rest%|}
       if [ ! -e "$p" ]; then printf '%s %s 2 \n' "$tok" "$id"
       elif [ ! -f "$p" ]; then printf '%s %s 21 \n' "$tok" "$id"
       elif [ ! -r "$p" ]; then printf '%s %s 13 \n' "$tok" "$id"
       elif [ "$(stat -c %s -- "$p")" -gt "$n" ]; then printf '%s %s 27 \n' "$tok" "$id"
       else printf '%s %s 0 ' "$tok" "$id"; base64 -w0 < "$p"; printf '\n'; fi ;;
    X) body=$(dd bs=65536 count="$n" iflag=fullblock,count_bytes status=none) || exit 1
       IFS=' ' read -r u g cap mk ms <<<"$rest"
       if [ "$u" = 0 ]; then as=(); else as=(setpriv --reuid="$u" --regid="$g" --init-groups); fi
       : >"$out"
       exec {w}> >(export EVOLVE_READER=$mk; stdbuf -o0 head -c "$cap" >"$out"; printf '%s %s\n' "$id" "$(wc -c)" >&"$sig")
       r=$!
       { EVOLVE_EXEC=$mk setsid "${D}{as[@]}" bash -c "$body" </dev/null >&"$w" 2>&1 {w}>&- {sig}>&- {ex}>&- &
         exec {w}>&-; printf '%s %s\n' "$id" "$!" >&"$ex"; wait "$!"; printf '%s %s\n' "$id" "$?" >&"$ex"; } 2>/dev/null {sig}>&- &
       x=$! k=0 s= c= xi=
       exec {w}>&-
       until [ "$xi" = "$id" ]; do read -r -u "$ex" xi c; done
       t=; [ "${D}{ms:-0}" -gt 0 ] && printf -v t '%d.%03d' $((ms / 1000)) $((ms % 1000))
       until [ "$xi" = "$id" ] && [ -n "$s" ]; do
         xi= s=
         if ! read -r ${D}{t:+-t "$t"} -u "$ex" xi s; then
           k=1 t=; kill -9 -- "-$c" 2>/dev/null; reap "EVOLVE_EXEC=$mk"
         fi
       done
       wait "$x" 2>/dev/null
       ri= rd=
       while read -r -t 2 -u "$sig" ri rd && [ "$ri" != "$id" ]; do :; done
       if [ "$ri" != "$id" ]; then
         kill -9 "$r" 2>/dev/null; reap "EVOLVE_READER=$mk"
         rd=-1; [ "$(wc -c < "$out")" -lt "$cap" ] && rd=0
       fi
       printf '%s %s %d %s %d ' "$tok" "$id" "$s" "$rd" "$k"; base64 -w0 < "$out"; printf '\n' ;;
    Q) exit 0 ;;
    *) exit 1 ;;
  esac
done
exec sleep infinity`;

/**
 * The container's command. `sh` first looks the sandbox user up in /etc/passwd (root when absent) and reports it,
 * then gives it the workdir: a workdir built into the image is handed over whole, a missing one is created for
 * it. Only then does the loop start (or, in an image without its tools, a plain sleep). So nothing about an image
 * has to be learnt through the engine before a container runs.
 */
export function channelCommand(user: string, workdir: string): string[] {
  const prelude = [
    'uid=0 gid=0 home=/root',
    'while IFS=: read -r n _ i g _ h _ || [ -n "$n" ]; do if [ "$n" = "$1" ]; then uid=$i gid=$g home=${h:-/}; break; fi; done < /etc/passwd 2>/dev/null',
    'printf "evolve-account %s %s %s\\n" "$uid" "$gid" "$home"',
    'if [ "$uid" = 0 ]; then mkdir -p "$2"; elif [ -d "$2" ]; then chown -R "$uid:$gid" "$2"; else mkdir -p "$2" && chown "$uid:$gid" "$2"; fi || { printf "evolve-channel adopt-failed\\n"; exec sleep infinity; }',
  ].join('\n');
  const loop =
    '{ command -v bash && command -v dd && command -v tar && command -v base64 && command -v mktemp && command -v stat; } >/dev/null 2>&1 && exec bash -c "$0"; printf "evolve-channel none\\n"; exec sleep infinity';
  return ['sh', '-c', `${prelude}\n${loop}`, LOOP, user, workdir];
}

/** The sandbox user as the container's first line reported it. */
export interface ChannelAccount {
  uid: number;
  gid: number;
  home: string;
}

/** Docker attach options that keep the main process's stdin open for the container's life. */
export const CHANNEL_CONFIG = {
  OpenStdin: true,
  StdinOnce: false,
  AttachStdin: true,
  AttachStdout: true,
  AttachStderr: false,
  Tty: false,
} as const;

/** A generous bound: a file request is a tar or base64 of files already on disk, so seconds mean the loop is stuck. */
const REPLY_TIMEOUT_MS = 120_000;
/** Larger file reads and command outputs go through the engine: their base64 line must stay a sane JS string. */
const MAX_READ_BYTES = 64 << 20;
const MAX_CAP_BYTES = 64 << 20;
/** A command's script is one argv string to bash, which Linux caps at 128 KiB; longer ones go through the engine. */
const MAX_SCRIPT_BYTES = 120 << 10;
/** Any reply longer than the largest legitimate one means something in the container is writing to the loop's output. */
const MAX_LINE_CHARS = Math.ceil((MAX_CAP_BYTES * 4) / 3) + (1 << 20);
/** After a timeout's kill: the loop's 2 s for a held pipe, and room for the kill itself, before giving up on it. */
const KILL_GRACE_MS = 10_000;

export interface ChannelCommand {
  command: string;
  cwd: string;
  env: Record<string, string>;
  uid: number;
  gid: number;
  capBytes: number;
  marker: string;
  timeoutMs?: number;
  /** Kills the command's processes (by marker), called once the timeout passes. */
  kill: () => Promise<void>;
}

export interface ChannelCommandResult {
  exitCode: number;
  output: Buffer;
  /** Bytes past the cap, counted and dropped; -1 when a held pipe stopped the count. */
  dropped: number;
  timedOut: boolean;
}

interface Pending {
  resolve: (reply: { status: number; body: string }) => void;
  reject: (error: Error) => void;
  timer?: NodeJS.Timeout;
}

export class ContainerChannel {
  private parts: string[] = [];
  private partsLength = 0;
  private next = 1;
  private readonly token = randomBytes(16).toString('hex');
  private readonly pending = new Map<number, Pending>();
  private closed: Error | undefined;
  private commandRunning = false;
  /** Set when a command's loop did not answer after its kill: the engine's API does all the work from then on. */
  private stuck = false;
  /** True once the loop runs, false when the image lacks its tools or the stream ends first; account is set by then. */
  readonly ready: Promise<boolean>;
  /** Whether the loop can also run commands (the image has setsid, setpriv, stdbuf, head and wc). */
  commands = false;
  /** Set when the container could not give the workdir to the sandbox user (see channelCommand). */
  adoptFailed = false;
  /** The sandbox user, reported before the ready line. */
  account: ChannelAccount | undefined;
  private settleReady!: (ok: boolean) => void;
  /** The container's own first lines are read; replies follow. */
  private started = false;
  /** Resolves when the stream ends: the container's main process has exited. */
  private readonly ended: Promise<void>;
  private settleEnded!: () => void;

  private constructor(
    private readonly stream: NodeJS.ReadWriteStream & { destroy?: () => void },
    modem: Docker['modem'],
  ) {
    this.ready = new Promise((r) => (this.settleReady = r));
    const sink = new Writable({
      write: (chunk: Buffer, _enc, done) => {
        this.onData(chunk.toString('latin1'));
        done();
      },
    });
    modem.demuxStream(stream, sink, sink);
    this.ended = new Promise((r) => (this.settleEnded = r));
    const end = (why: string) => () => {
      this.settleEnded();
      this.fail(
        new SandboxError(
          'container_gone',
          `the sandbox's channel ${why}`,
          'The container stopped or was removed from outside evolve; the run is retried once.',
        ),
      );
    };
    stream.on('end', end('closed'));
    stream.on('close', end('closed'));
    stream.on('error', end('failed'));
  }

  /** Attaches to a created (not yet started) container, so the loop's first line is not missed. */
  static async attach(container: Docker.Container): Promise<ContainerChannel> {
    try {
      const stream = (await container.attach({
        stream: true,
        stdin: true,
        stdout: true,
        stderr: false,
        hijack: true,
      })) as NodeJS.ReadWriteStream;
      return new ContainerChannel(stream, container.modem);
    } catch (error) {
      throw fromDockerError(error, 'attaching to the container');
    }
  }

  /** Hands the loop its token; call once the container has started. */
  open(): void {
    this.stream.write(`${this.token}\n`);
  }

  /**
   * Whether a request can go through the loop now. Not while a command runs there: the loop answers in order, so
   * anything else would wait for it; the engine's API serves that request instead, as it serves a stuck loop.
   * Synchronous, and callers send right after it with no await between, so no request slips in behind a command.
   */
  private usable(kind: 'files' | 'commands'): boolean {
    if (this.stuck || this.commandRunning || this.closed) return false;
    return kind === 'files' || this.commands;
  }

  /**
   * Extracts a tar (absolute names, leading slash dropped) at / as root; owners and modes come from the tar.
   * False when the loop cannot take it now (see usable).
   */
  async write(archive: Buffer): Promise<boolean> {
    if (!(await this.ready) || !this.usable('files')) return false;
    const reply = await this.request(`W ${this.next} ${archive.length}\n`, archive);
    if (reply.status !== 0) {
      const message = Buffer.from(reply.body, 'base64').toString('utf8').trim();
      if (/no space left on device/i.test(message))
        throw new SandboxError(
          'disk_full',
          `disk full while copying into the sandbox: ${message}`,
          'Free disk space and run again; finished runs are kept.',
        );
      throw new SandboxError(
        'io',
        `copying into the sandbox failed (tar exit ${reply.status}): ${message.slice(-600)}`,
      );
    }
    return true;
  }

  /** A file's bytes, or undefined when the loop cannot take it now; errors carry code ENOENT, EISDIR or EACCES. */
  async read(path: string): Promise<Buffer | undefined> {
    if (/[\n\r]/.test(path))
      throw new SandboxError('io', `cannot read a path with a line break: ${JSON.stringify(path)}`);
    if (!(await this.ready) || !this.usable('files')) return undefined;
    // The bar ends the path, so `read` keeps any trailing spaces.
    const reply = await this.request(`R ${this.next} ${MAX_READ_BYTES} ${path}|\n`);
    if (reply.status === 27) return undefined; // too large for a line: the engine streams it
    const code = ({ 2: 'ENOENT', 21: 'EISDIR', 13: 'EACCES' } as Record<number, string>)[reply.status];
    if (code)
      throw Object.assign(
        new Error(
          `${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'not a regular file' : 'not readable'} in the sandbox: ${path}`,
        ),
        { code },
      );
    return Buffer.from(reply.body, 'base64');
  }

  /** Runs `bash -c command` through the loop, or gives undefined when the loop cannot take it now. */
  async run(req: ChannelCommand): Promise<ChannelCommandResult | undefined> {
    const script = Buffer.from(commandScript(req.command, req.cwd, req.env), 'utf8');
    if (script.length > MAX_SCRIPT_BYTES || req.capBytes > MAX_CAP_BYTES) return undefined;
    if (!(await this.ready) || !this.usable('commands')) return undefined;
    const id = this.next;
    this.commandRunning = true;
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    const reply = this.request(
      `X ${id} ${script.length} ${req.uid} ${req.gid} ${req.capBytes} ${req.marker} ${Math.ceil(req.timeoutMs ?? 0)}\n`,
      script,
      false,
    );
    if (req.timeoutMs !== undefined) {
      timer = setTimeout(() => {
        timedOut = true;
        void req.kill().finally(() => {
          timer = setTimeout(() => this.giveUp(id), KILL_GRACE_MS);
          timer.unref();
        });
      }, req.timeoutMs);
    }
    try {
      const { status, body } = await reply;
      const [dropped = '0', killed = '0', b64 = ''] = body.split(' ');
      // The loop's own deadline may pass before this process's timer fires (a busy host): a timeout all the same.
      if (killed === '1') timedOut = true;
      return {
        exitCode: timedOut ? 124 : status,
        output: Buffer.from(b64, 'base64'),
        dropped: Number(dropped),
        timedOut,
      };
    } catch (error) {
      if (timedOut && error instanceof StuckError)
        return { exitCode: 124, output: Buffer.alloc(0), dropped: 0, timedOut };
      throw error;
    } finally {
      clearTimeout(timer);
      this.commandRunning = false;
    }
  }

  /**
   * Ends the container from inside: the loop exits, and with the namespace's init every process in it. True once
   * the engine has seen it exit, which is quicker than a kill through the engine; false when the loop cannot take
   * the request now (a command runs there, or it is stuck) or the exit is not seen within 5 s.
   */
  async quit(): Promise<boolean> {
    if (!(await this.ready) || !this.usable('files')) return false;
    this.stream.write(`${this.token} Q 0 0\n`);
    let timer: NodeJS.Timeout | undefined;
    const seen = await Promise.race([
      this.ended.then(() => true),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(false), 5_000))),
    ]);
    clearTimeout(timer);
    return seen;
  }

  close(): void {
    this.fail(new SandboxError('container_gone', 'the sandbox was disposed'));
    this.stream.destroy?.();
  }

  /** A command's processes were killed but the loop never answered: leave it aside for good. */
  private giveUp(id: number): void {
    const waiter = this.pending.get(id);
    if (!waiter) return;
    this.stuck = true;
    this.pending.delete(id);
    waiter.reject(new StuckError());
  }

  private request(line: string, body?: Buffer, bounded = true): Promise<{ status: number; body: string }> {
    if (this.closed) return Promise.reject(this.closed);
    line = `${this.token} ${line}`;
    const id = this.next++;
    return new Promise((resolve, reject) => {
      const pending: Pending = { resolve, reject };
      if (bounded) {
        pending.timer = setTimeout(() => {
          this.pending.delete(id);
          reject(
            new SandboxError(
              'io',
              `the sandbox did not answer a file request within ${REPLY_TIMEOUT_MS / 1000} s`,
              'The container is probably out of processes (a fork bomb) or memory.',
            ),
          );
        }, REPLY_TIMEOUT_MS);
        pending.timer.unref();
      }
      this.pending.set(id, pending);
      this.stream.write(body ? Buffer.concat([Buffer.from(line, 'latin1'), body]) : line);
    });
  }

  /** Lines can be megabytes of base64: chunks are kept apart and only each new chunk is searched. */
  private onData(text: string): void {
    if (this.closed) return;
    let rest = text;
    for (let nl = rest.indexOf('\n'); nl >= 0; nl = rest.indexOf('\n')) {
      this.parts.push(rest.slice(0, nl));
      rest = rest.slice(nl + 1);
      const line = this.partsLength + nl <= MAX_LINE_CHARS ? this.parts.join('') : undefined;
      this.parts = [];
      this.partsLength = 0;
      if (line === undefined) return this.overflow();
      this.onLine(line);
    }
    if (rest) {
      this.parts.push(rest);
      this.partsLength += rest.length;
      if (this.partsLength > MAX_LINE_CHARS) this.overflow();
    }
  }

  private overflow(): void {
    this.parts = [];
    this.partsLength = 0;
    this.fail(
      new SandboxError(
        'io',
        'the sandbox wrote more to its channel than any reply holds',
        "Something in the container is writing to its main process's output; the run is retried once.",
      ),
    );
  }

  private onLine(line: string): void {
    if (this.started) return this.onReply(line);
    const account = /^evolve-account (\d+) (\d+) (.*)$/.exec(line);
    if (account) {
      this.account = { uid: Number(account[1]), gid: Number(account[2]), home: account[3]! };
      return;
    }
    if (line.startsWith('evolve-channel ')) {
      this.adoptFailed = line === 'evolve-channel adopt-failed';
      this.commands = line === 'evolve-channel ready files commands';
      this.started = true; // from here on, only lines with the token count
      return this.settleReady(line.startsWith('evolve-channel ready'));
    }
  }

  private onReply(line: string): void {
    if (!line.startsWith(`${this.token} `)) return;
    const m = /^(\d+) (\d+) ?(.*)$/s.exec(line.slice(this.token.length + 1));
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

class StuckError extends Error {}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** What the loop's `bash -c` runs as the user: into the working directory, the environment set, then the command. */
function commandScript(command: string, cwd: string, env: Record<string, string>): string {
  const assignments = Object.entries(env).map(([k, v]) => quote(`${k}=${v}`));
  return `cd -- ${quote(cwd)} || exit 126\nexec env ${assignments.join(' ')} bash -c ${quote(command)}`;
}
