import chalk from 'chalk';
import { vi } from 'vitest';

// Process-wide state a test file can leave behind for the next file in the same worker (see test/no-leaks.ts).

export type ProcessState = {
  env: Record<string, string | undefined>;
  cwd: string;
  chalk: number;
  exitCode: typeof process.exitCode;
  listeners: Record<string, number>;
  fakeTimers: boolean;
};

const EVENTS = ['exit', 'SIGINT', 'SIGTERM', 'uncaughtException', 'unhandledRejection', 'warning'] as const;

export function processState(): ProcessState {
  return {
    env: { ...process.env },
    cwd: process.cwd(),
    chalk: chalk.level,
    exitCode: process.exitCode,
    listeners: Object.fromEntries(EVENTS.map((e) => [e, process.listenerCount(e)])),
    fakeTimers: vi.isFakeTimers(),
  };
}

/** What differs between two states, one line each; empty when the file left the process as it found it. */
export function leaks(before: ProcessState, after: ProcessState): string[] {
  const out: string[] = [];
  for (const key of new Set([...Object.keys(before.env), ...Object.keys(after.env)]))
    if (before.env[key] !== after.env[key]) out.push(`process.env.${key}: ${before.env[key]} -> ${after.env[key]}`);
  if (before.cwd !== after.cwd) out.push(`process.cwd(): ${before.cwd} -> ${after.cwd}`);
  if (before.chalk !== after.chalk) out.push(`chalk.level: ${before.chalk} -> ${after.chalk}`);
  if (before.exitCode !== after.exitCode) out.push(`process.exitCode: ${before.exitCode} -> ${after.exitCode}`);
  for (const e of EVENTS)
    if (before.listeners[e] !== after.listeners[e])
      out.push(`process '${e}' listeners: ${before.listeners[e]} -> ${after.listeners[e]}`);
  if (before.fakeTimers !== after.fakeTimers) out.push(`fake timers: ${before.fakeTimers} -> ${after.fakeTimers}`);
  return out;
}
