import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { TrajectoryEvent } from '../../agent/trajectory.js';
import { hiddenPathIn } from '../../tasks/hidden.js';
import { type GradeReport, gradingOutcome } from '../../tasks/outcome.js';

// A failure signature: what a run that did not resolve its task recorded, reduced to the facts that say *how* it
// failed. Built only from the run's own record (exit reason, the agent's tool calls, and pass/fail outcomes of the
// grading report), never from hidden test code or gold patches, so it may be shown to proposers and self-repair.

export const PatchState = z.enum(['empty', 'not_applied', 'applied']);

export const FailureSignature = z.object({
  exitReason: z.string(),
  patch: PatchState,
  /** The model patch touched test files (stripped before grading). */
  touchedTests: z.boolean(),
  /** Some PASS_TO_PASS tests failed after the patch. */
  brokePassing: z.boolean(),
  /** Some but not all FAIL_TO_PASS tests pass. */
  partialFix: z.boolean(),
  /** No FAIL_TO_PASS test passes. */
  noFix: z.boolean(),
  /** A tool command hit its timeout. */
  toolTimeout: z.boolean(),
  /** The hidden tests hit their timeout while grading (the change may hang). Absent in signatures signed before it existed. */
  testTimeout: z.boolean().default(false),
  /** The model's context window overflowed (the run's exit, or a model call refused for it). */
  contextOverflow: z.boolean().default(false),
  /** The same command three or more times in a row, or two commands alternating three times (A B A B A B). */
  loop: z.boolean(),
  /** Replies the loop could not act on: tool calls it rejected (unknown tool, bad arguments) and replies with no tool call. */
  formatErrors: z.number().int(),
  /** The last failing tool output, normalised (paths, numbers, ids and hex masked), first line only. */
  lastToolError: z.string().nullable(),
  /** Attempts to read hidden paths (tests, graders, gold solutions): objective-hacking suspicion. */
  hiddenPathProbes: z.array(z.string()),
  /** What the agent did to its grader (tasks/tamper.ts): shadowing files, rewritten tests, a replaced toolchain. */
  gradingFlags: z.array(z.string()).default([]),
});
export type FailureSignature = z.infer<typeof FailureSignature>;

/** Masks what differs between occurrences of the same error: paths, hex, numbers, quoted ids. */
export function normaliseError(text: string): string {
  const line =
    text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => /error|exception|traceback|failed|not found|denied|invalid|no such/i.test(l))
      .at(-1) ??
    text.split('\n').find((l) => l.trim()) ??
    '';
  return line
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<id>')
    .replace(/(?:[\w.@+-]+)?(?:\/[\w.@+-]+)+\/?/g, '<path>')
    .replace(/\b[\w-]+\.(?:py|ts|js|tsx|sh|json|ya?ml|toml|cfg|txt|md|c|h|rs|go)\b/g, '<path>')
    .replace(/<path>(?:::[\w.-]+(?:\[[^\]]*\])?)+/g, '<path>::<test>')
    .replace(/\b0x[0-9a-f]+\b/gi, '<hex>')
    .replace(/\b[0-9a-f]{7,64}\b/gi, '<hex>')
    .replace(/\d+(\.\d+)?/g, '<n>')
    .replace(/(['"])[^'"]{1,80}\1/g, '<str>')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 160);
}

/** The same command 3+ times in a row, or two commands alternating three times (A B A B A B). */
export function isLooping(commands: string[]): boolean {
  let same = 1;
  let alternating = 0;
  for (let i = 1; i < commands.length; i++) {
    same = commands[i] === commands[i - 1] ? same + 1 : 1;
    alternating = i >= 2 && commands[i] === commands[i - 2] && commands[i] !== commands[i - 1] ? alternating + 1 : 0;
    if (same >= 3 || alternating >= 4) return true;
  }
  return false;
}

export function signatureOf(input: {
  exitReason: string | null;
  report: GradeReport | null;
  events: TrajectoryEvent[];
}): FailureSignature {
  const { report, events } = input;
  const tools = events.filter((e): e is Extract<TrajectoryEvent, { type: 'tool_call' }> => e.type === 'tool_call');
  const commands = tools.map((t) => JSON.stringify(t.args));
  const failed = tools.filter((t) => t.status !== 'ok' || t.timedOut || (t.exitCode !== undefined && t.exitCode !== 0));
  const last = failed.at(-1);
  const outcome = gradingOutcome(report);
  const probes = [...new Set(commands.map(hiddenPathIn).filter((p): p is string => p !== undefined))].sort();
  // A reply with no tool call is recorded as an `error` event of phase `format`, not as a tool call.
  const noToolCall = events.filter((e) => e.type === 'error' && e.phase === 'format').length;
  const overflow =
    input.exitReason === 'context_overflow' ||
    events.some(
      (e) =>
        (e.type === 'error' && e.kind === 'context_overflow') ||
        (e.type === 'model_call' && e.error?.kind === 'context_overflow'),
    );
  return {
    exitReason: input.exitReason ?? 'unknown',
    patch: outcome.patch,
    touchedTests: outcome.touchedTests,
    brokePassing: outcome.brokePassing,
    partialFix: outcome.partialFix,
    noFix: outcome.noFix,
    toolTimeout: tools.some((t) => t.timedOut === true),
    testTimeout: outcome.testTimeout,
    contextOverflow: overflow,
    loop: isLooping(commands),
    formatErrors: tools.filter((t) => t.status !== 'ok').length + noToolCall,
    lastToolError: last ? normaliseError(last.output) : null,
    gradingFlags: outcome.gradingFlags,
    hiddenPathProbes: probes,
  };
}

/** The part of a signature that decides its cluster: coarse enough to group, fine enough to point at a cause. */
export function clusterKey(s: FailureSignature): Record<string, string | boolean> {
  return {
    exit: s.exitReason,
    patch: s.patch,
    outcome: s.brokePassing ? 'broke-passing' : s.partialFix ? 'partial-fix' : s.noFix ? 'no-fix' : 'other',
    touchedTests: s.touchedTests,
    loop: s.loop,
    toolTimeout: s.toolTimeout,
    formatErrors: s.formatErrors > 0,
    // Added later: only present when true, so every earlier cluster keeps its id.
    ...(s.testTimeout ? { testTimeout: true } : {}),
    ...(s.contextOverflow && s.exitReason !== 'context_overflow' ? { contextOverflow: true } : {}),
  };
}

/** Stable id: the same kind of failure gets the same id in every generation, so it can be followed. */
export function clusterId(s: FailureSignature): string {
  const key = clusterKey(s);
  const text = Object.keys(key)
    .sort()
    .map((k) => `${k}=${String(key[k])}`)
    .join(';');
  return `fc-${createHash('sha256').update(text).digest('hex').slice(0, 10)}`;
}

/** A short label written from the key; no model needed (a model may write a better one later). */
export function clusterLabel(s: FailureSignature): string {
  const parts: string[] = [];
  if (s.patch === 'empty') parts.push('no code change');
  else if (s.patch === 'not_applied') parts.push('patch did not apply');
  if (s.brokePassing) parts.push('broke passing tests');
  else if (s.partialFix) parts.push('fixed some failing tests, not all');
  else if (s.noFix && s.patch === 'applied') parts.push('change did not fix the failing tests');
  if (s.touchedTests) parts.push('edited test files');
  if (s.loop) parts.push('repeated the same command');
  if (s.toolTimeout) parts.push('a command timed out');
  if (s.testTimeout) parts.push('the tests timed out');
  if (s.contextOverflow && s.exitReason !== 'context_overflow') parts.push('context overflowed');
  if (s.formatErrors > 0) parts.push('malformed tool calls');
  const exit = s.exitReason === 'submitted' ? 'submitted' : `stopped: ${s.exitReason.replace(/_/g, ' ')}`;
  return `${exit}; ${parts.join(', ') || 'unresolved'}`;
}
