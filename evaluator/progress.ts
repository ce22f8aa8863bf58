import type { RunStatus } from './store.js';

// Live progress: one rewritten line on a terminal (done/running/failed, rate, ETA, dollars), plain log lines
// otherwise, so CI logs and `| tee` stay readable.

export interface ProgressCounts {
  total: number;
  done: number;
  resolved: number;
  running: number;
  infraErrors: number;
  cancelled: number;
  /** Done before this invocation started (resume); excluded from the rate. */
  alreadyDone: number;
}

export interface ProgressSnapshot extends ProgressCounts {
  experimentId: string;
  dollars: number;
  tokens: number;
  elapsedMs: number;
  concurrency: number;
  event?:
    | { type: 'stage'; stage: string }
    | {
        type: 'run';
        taskId: string;
        repeat: number;
        status: Exclude<RunStatus, 'running'>;
        outcome: string | null;
        exitReason: string | null;
        infraError?: string;
      }
    | { type: 'end'; status: string; stopReason?: string };
}

export function emptyCounts(total: number): ProgressCounts {
  return { total, done: 0, resolved: 0, running: 0, infraErrors: 0, cancelled: 0, alreadyDone: 0 };
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function progressLine(p: ProgressSnapshot): string {
  const fresh = p.done - p.alreadyDone;
  const perMin = p.elapsedMs > 0 ? (fresh / p.elapsedMs) * 60_000 : 0;
  const left = p.total - p.done;
  const eta = fresh > 0 ? formatDuration((left / fresh) * p.elapsedMs) : '?';
  return [
    `${p.experimentId}`,
    `${p.done}/${p.total} done`,
    `${p.resolved} resolved`,
    `${p.running} running`,
    `${p.infraErrors} infra errors`,
    `${perMin.toFixed(1)}/min`,
    `ETA ${left === 0 ? '0s' : eta}`,
    `$${p.dollars.toFixed(2)}`,
    formatDuration(p.elapsedMs),
  ].join('  ');
}

export function eventLine(p: ProgressSnapshot): string | undefined {
  const e = p.event;
  if (!e) return undefined;
  if (e.type === 'stage') return `[${p.experimentId}] stage ${e.stage}`;
  if (e.type === 'end')
    return `[${p.experimentId}] ${e.status}${e.stopReason ? ` (${e.stopReason})` : ''}: ${progressLine(p)}`;
  const what = e.infraError
    ? `infra error: ${e.infraError}`
    : `${e.outcome ?? e.status}${e.exitReason ? ` (${e.exitReason})` : ''}`;
  return `[${p.experimentId}] ${e.taskId}#${e.repeat} ${e.status === 'pending' ? 'will retry, ' : ''}${what}  [${p.done}/${p.total}, $${p.dollars.toFixed(2)}]`;
}

/** A progress sink for a stream: a live line on a TTY, one line per finished run otherwise. */
export function progressReporter(stream: NodeJS.WriteStream = process.stderr): (p: ProgressSnapshot) => void {
  const tty = Boolean(stream.isTTY) && !process.env.CI;
  let last = 0;
  return (p) => {
    const line = eventLine(p);
    if (!tty) {
      if (line) stream.write(`${line}\n`);
      return;
    }
    // Finished runs scroll above; the status line is redrawn at most every 100 ms.
    if (line && p.event?.type !== 'run') stream.write(`\r\x1b[2K${line}\n`);
    else if (p.event?.type === 'run' && p.event.infraError) stream.write(`\r\x1b[2K${line}\n`);
    const t = Date.now();
    if (p.event?.type === 'end' || t - last < 100) return;
    last = t;
    stream.write(`\r\x1b[2K${progressLine(p)}`);
  };
}
