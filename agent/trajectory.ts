import { closeSync, fsyncSync, openSync, readFileSync, writeSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { TrajectoryEvent, type TrajectoryEventInput } from './trajectory-events.js';

export { TrajectoryEvent, type TrajectoryEventInput, type UsageTotals } from './trajectory-events.js';
export { renderTranscript } from './transcript.js';

/**
 * Where the loop sends events. Give the same sink to the evaluator's gateway (`sink: (e) => writer.write(e)`)
 * and run the loop with `recordModelCalls: false`, so each model call is recorded once, redacted and priced.
 */
export interface TrajectorySink {
  write(event: TrajectoryEventInput): void;
}

/**
 * Appends one JSON line per event with a synchronous write, so a line is in the file (the OS's page cache)
 * before the loop moves on: a crash of this process loses nothing already written. `fsync: true` also
 * survives a machine crash, at a cost per event.
 */
export class TrajectoryWriter implements TrajectorySink {
  private fd: number | undefined;

  constructor(
    readonly path: string,
    private readonly options: { fsync?: boolean; now?: () => number } = {},
  ) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'a');
  }

  write(event: TrajectoryEventInput): void {
    if (this.fd === undefined) throw new Error(`trajectory ${this.path} is closed`);
    const stamped = { ...event, ts: (this.options.now ?? Date.now)() };
    writeSync(this.fd, JSON.stringify(stamped) + '\n');
    if (this.options.fsync) fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Keeps events in memory: for tests, benchmarks and callers that store events elsewhere. */
export class MemoryTrajectory implements TrajectorySink {
  readonly events: TrajectoryEvent[] = [];
  write(event: TrajectoryEventInput): void {
    this.events.push({ ...event, ts: Date.now() } as TrajectoryEvent);
  }
}

/**
 * Reads a trajectory file. A last line cut short by a crash is skipped; any other bad line is an error
 * naming its line number.
 */
export function readTrajectory(path: string): TrajectoryEvent[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const events: TrajectoryEvent[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      if (index === lines.length - 1) return; // torn final write
      throw new Error(`${path}:${index + 1}: not valid JSON`);
    }
    const parsed = TrajectoryEvent.safeParse(json);
    if (!parsed.success)
      throw new Error(
        `${path}:${index + 1}: not a trajectory event: ${parsed.error.issues[0]?.message ?? ''} at ${parsed.error.issues[0]?.path.join('.') ?? ''}`,
      );
    events.push(parsed.data);
  });
  return events;
}
