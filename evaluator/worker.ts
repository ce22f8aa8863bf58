import { hostname } from 'node:os';

// Who holds a `running` row: "pid@host". A row whose process is gone (SIGKILL, power cut) is stale and is put
// back to pending by the next evaluation; a live process's rows are left alone, so evaluations can share a database.

export function workerId(pid = process.pid, host = hostname()): string {
  return `${pid}@${host}`;
}

export function parseWorker(worker: string): { pid: number; host: string } | undefined {
  const m = /^(\d+)@(.+)$/.exec(worker);
  return m ? { pid: Number(m[1]), host: m[2]! } : undefined;
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A worker on this host is stale when its process is dead. On another host we cannot look, so only a row
 * older than `staleAfterMs` (longer than any run may take) counts as abandoned.
 */
export function isStaleWorker(
  worker: string | null,
  startedAt: string | null,
  staleAfterMs = 24 * 3600_000,
  host = hostname(),
): boolean {
  const parsed = worker ? parseWorker(worker) : undefined;
  if (!parsed) return true;
  if (parsed.host === host) return parsed.pid !== process.pid && !processAlive(parsed.pid);
  return startedAt !== null && Date.now() - Date.parse(startedAt) > staleAfterMs;
}
