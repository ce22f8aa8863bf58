import { open } from 'node:fs/promises';
import { TrajectoryEvent } from '../agent/trajectory.js';

// Bounded, asynchronous reading of a run's trajectory for viewers. A trajectory can grow to hundreds of MB (a
// looping agent printing large outputs); a viewer reads its head and its tail (where run_end is) up to a byte
// budget, never the whole file, and never throws on a damaged line: it says what it skipped instead.

export type { TrajectoryEvent } from '../agent/trajectory.js';

export interface TrajectoryRead {
  path: string;
  events: TrajectoryEvent[];
  /** Size of the file in bytes. */
  bytes: number;
  /** Bytes in the middle of the file that were not read (0 when the whole file was read). */
  skippedBytes: number;
  /** Index in `events` where the skipped middle falls (the first tail event), when bytes were skipped. */
  gapAt: number | null;
  /** Lines that could not be used, each saying where and why. */
  problems: string[];
}

export interface TrajectoryReadOptions {
  /** Total bytes read at most; three quarters from the head, one quarter from the tail. */
  maxBytes?: number;
}

// Head and tail of 4 MB hold thousands of steps; parsing more would keep a person waiting for text no one pages through.
const DEFAULT_MAX_BYTES = 4 * 1024 * 1024;

async function readRange(path: string, start: number, length: number): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, start);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

/** Parses JSON lines, yielding to the event loop now and then so a viewer keeps answering keys meanwhile. */
async function parseLines(
  text: string,
  firstLine: number | null,
  path: string,
  problems: string[],
): Promise<TrajectoryEvent[]> {
  const events: TrajectoryEvent[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (i % 500 === 499) await new Promise((r) => setImmediate(r));
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const where = firstLine === null ? `${path} (tail)` : `${path}:${firstLine + i}`;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      if (i === lines.length - 1) continue; // torn final write, or cut by the byte budget
      problems.push(`${where}: not valid JSON (${line.length} chars skipped)`);
      continue;
    }
    const parsed = TrajectoryEvent.safeParse(json);
    if (parsed.success) events.push(parsed.data);
    else
      problems.push(
        `${where}: not a trajectory event (${parsed.error.issues[0]?.message ?? 'invalid'} at ${parsed.error.issues[0]?.path.join('.') ?? ''})`,
      );
  }
  return events;
}

/** Reads a trajectory within a byte budget. A missing file is reported in `problems`, not thrown. */
export async function readTrajectoryBounded(
  path: string,
  options: TrajectoryReadOptions = {},
): Promise<TrajectoryRead> {
  const maxBytes = Math.max(1024, options.maxBytes ?? DEFAULT_MAX_BYTES);
  const problems: string[] = [];
  let bytes: number;
  try {
    const handle = await open(path, 'r');
    bytes = (await handle.stat()).size;
    await handle.close();
  } catch (error) {
    return {
      path,
      events: [],
      bytes: 0,
      skippedBytes: 0,
      gapAt: null,
      problems: [`cannot read trajectory ${path}: ${(error as Error).message}`],
    };
  }
  if (bytes <= maxBytes) {
    const events = await parseLines(await readRange(path, 0, bytes), 1, path, problems);
    return { path, events, bytes, skippedBytes: 0, gapAt: null, problems };
  }
  const headBytes = Math.floor(maxBytes * 0.75);
  const tailBytes = maxBytes - headBytes;
  const head = await readRange(path, 0, headBytes);
  // The head's last line is cut by the budget, the tail's first line too: drop both.
  const headText = head.slice(0, Math.max(0, head.lastIndexOf('\n')));
  const tail = await readRange(path, bytes - tailBytes, tailBytes);
  const tailText = tail.slice(tail.indexOf('\n') + 1);
  const events = await parseLines(headText, 1, path, problems);
  const gapAt = events.length;
  events.push(...(await parseLines(tailText, null, path, problems)));
  const skippedBytes = bytes - Buffer.byteLength(headText) - Buffer.byteLength(tailText);
  return { path, events, bytes, skippedBytes, gapAt, problems };
}
