import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { processAlive } from '../evaluator/worker.js';

// One generation at a time per workspace: a lock file created exclusively (O_EXCL) next to the database, naming who
// holds it. A holder on this host whose process is gone (kill -9) left a stale lock, which the next taker removes; a
// holder on another host is never second-guessed.

export const LOCK_FILE = 'generation.lock';

export const LockHolder = z.object({ pid: z.number().int(), host: z.string(), since: z.string(), command: z.string() });
export type LockHolder = z.infer<typeof LockHolder>;

export class GenerationLockedError extends Error {
  override readonly name = 'GenerationLockedError';
  readonly hint: string;
  constructor(
    readonly holder: LockHolder,
    readonly file: string,
  ) {
    super(
      `another generation is running in this workspace: ${holder.command} (pid ${holder.pid} on ${holder.host}, since ${holder.since})`,
    );
    this.hint = `Wait for it to finish, or pass --wait to start when it does. If that process is gone on another host, remove ${file}.`;
  }
}

export interface LockOptions {
  /** Wait for the holder to finish instead of failing at once. */
  wait?: boolean;
  /** What the lock file says holds it, e.g. "evolve next-generation". */
  command?: string;
  pollMs?: number;
  log?: (line: string) => void;
  signal?: AbortSignal;
}

function readHolder(file: string): LockHolder | undefined {
  try {
    const parsed = LockHolder.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function tryCreate(file: string, holder: LockHolder): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, `${JSON.stringify(holder)}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** Takes the workspace's generation lock; the returned function releases it (only if it is still ours). */
export async function acquireGenerationLock(root: string, o: LockOptions = {}): Promise<() => void> {
  const file = join(root, LOCK_FILE);
  const me: LockHolder = {
    pid: process.pid,
    host: hostname(),
    since: new Date().toISOString(),
    command: o.command ?? 'evolve next-generation',
  };
  let told = false;
  for (;;) {
    if (tryCreate(file, me)) break;
    const holder = readHolder(file);
    // Unreadable (a holder mid-write) counts as held; a dead holder on this host left it behind.
    if (holder && holder.host === me.host && holder.pid !== me.pid && !processAlive(holder.pid)) {
      o.log?.(`removing a stale generation lock left by pid ${holder.pid} (${holder.command}, since ${holder.since})`);
      rmSync(file, { force: true });
      continue;
    }
    const shown = holder ?? { pid: 0, host: 'unknown', since: 'unknown', command: 'unknown (lock file unreadable)' };
    if (!o.wait) throw new GenerationLockedError(shown, file);
    if (!told) o.log?.(`${new GenerationLockedError(shown, file).message}; waiting for it to finish`);
    told = true;
    if (o.signal?.aborted) throw o.signal.reason ?? new Error('interrupted');
    await new Promise((r) => setTimeout(r, o.pollMs ?? 500));
  }
  return () => {
    const holder = readHolder(file);
    if (holder && holder.pid === me.pid && holder.host === me.host && holder.since === me.since)
      rmSync(file, { force: true });
  };
}
