import { posix } from 'node:path';
import type { ExecResult } from '../../evaluator/sandbox/types.js';
import type { ToolContext, ToolResult } from './define.js';
import { truncateMiddle } from './truncate.js';

/** Single-quotes a value for bash. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Paths the model gives are relative to the task's workdir unless absolute. */
export function resolveInWorkdir(ctx: ToolContext, path: string): string {
  return posix.resolve(ctx.task.workdir, path);
}

/**
 * A path for a shell command: relative to the workdir (every command's cwd) when inside it, so a sandbox that maps
 * its declared workdir elsewhere (the local one) finds the same file the file API does. Quoted.
 */
export function shellPath(ctx: ToolContext, path: string): string {
  const rel = posix.relative(ctx.task.workdir, path);
  return shellQuote(rel === '' ? '.' : !rel.startsWith('..') && !posix.isAbsolute(rel) ? `./${rel}` : path);
}

export interface CommandLimits {
  timeoutSec: number;
  maxOutputChars: number;
}

/** Runs a command with the toolset's timeout (never past the run's deadline) and an output cap. */
export async function runCommand(
  ctx: ToolContext,
  command: string,
  limits: CommandLimits,
  timeoutSec = limits.timeoutSec,
): Promise<ExecResult> {
  const timeoutMs = Math.max(1, Math.min(timeoutSec * 1000, ctx.remainingMs()));
  // Cap in the sandbox generously: truncation to what the model reads happens here, head + tail.
  return ctx.sandbox.exec(command, {
    cwd: ctx.task.workdir,
    timeoutMs,
    outputCapBytes: Math.max(limits.maxOutputChars * 4, 64_000),
  });
}

/** Turns a command result into what the model reads. */
export function commandObservation(result: ExecResult, limits: CommandLimits, timeoutSec: number): ToolResult {
  const cut = truncateMiddle(result.output, limits.maxOutputChars);
  const notes: string[] = [];
  if (result.timedOut)
    notes.push(`[command timed out after ${timeoutSec}s and was killed; run something shorter or in the background]`);
  notes.push(`[exit code ${result.exitCode}]`);
  const body = cut.text.length > 0 ? `${cut.text}${cut.text.endsWith('\n') ? '' : '\n'}` : '';
  return {
    output: body + notes.join('\n'),
    exitCode: result.exitCode,
    truncated: cut.truncated || result.truncated,
    timedOut: result.timedOut,
  };
}
