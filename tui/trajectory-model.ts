import type { TrajectoryEvent, TrajectoryRead } from '../lineage/read-api.js';

// A trajectory as the lines the trajectory view pages through: model turns with their usage, tool calls with
// their output folded to a few lines (z unfolds), observations, and why the run ended. Pure, so it is tested
// directly and rebuilt in milliseconds when folding changes.

/** Lines of tool output kept when folded: the first two and the last (where a test run says what failed). */
const FOLD_HEAD = 2;
const FOLD_TAIL = 1;
/** Longest line kept; the view truncates to the screen anyway, this bounds memory on minified output. */
const MAX_LINE = 1_000;

const clip = (line: string) =>
  line.length <= MAX_LINE ? line : `${line.slice(0, MAX_LINE)}… (${line.length - MAX_LINE} more chars)`;
const indent = (text: string, prefix: string) => text.split('\n').map((l) => clip(prefix + l));
const money = (x: number | undefined) => (x === undefined ? '' : `, $${x.toFixed(4)}`);

function eventLines(e: TrajectoryEvent, folded: boolean): string[] {
  switch (e.type) {
    case 'run_start':
      return [
        `# task ${e.taskId} · model ${e.genome.model} · tools ${e.tools.join(', ')}`,
        ...indent(e.instance, '  '),
      ];
    case 'model_call': {
      const usage = `in ${e.usage.inputTokens ?? '?'} / out ${e.usage.outputTokens ?? '?'} tokens${money(e.costUsd)}, ${e.latencyMs} ms`;
      const head = `${e.step === undefined ? '' : `[step ${e.step}] `}model ${e.modelId} (${e.request.purpose}): ${usage}`;
      if (e.error) return [head, `  FAILED (${e.error.kind}): ${e.error.message}`];
      return [
        head,
        ...(e.response?.content ?? []).flatMap((p) =>
          p.type === 'text' ? indent(p.text.trim(), '  > ') : [clip(`  → ${p.name} ${JSON.stringify(p.input)}`)],
        ),
      ];
    }
    case 'tool_call': {
      const command =
        typeof (e.args as { command?: unknown } | null)?.command === 'string'
          ? `: ${(e.args as { command: string }).command.split('\n')[0]}`
          : '';
      const status =
        e.status === 'ok'
          ? `exit ${e.exitCode ?? '-'}${e.timedOut ? ', timed out' : ''}${e.truncated ? ', truncated' : ''}, ${e.durationMs} ms`
          : e.status;
      const output = (e.display ?? e.output).replace(/\n$/, '');
      const lines = output === '' ? [] : output.split('\n');
      const head = clip(`  $ ${e.name}${command} (${status}, ${lines.length} lines)`);
      const keep = FOLD_HEAD + FOLD_TAIL;
      if (!folded || lines.length <= keep + 1) return [head, ...lines.map((l) => clip(`    ${l}`))];
      const shown = (ls: string[]) => ls.map((l) => clip(`    ${l}`));
      return [
        head,
        ...shown(lines.slice(0, FOLD_HEAD)),
        `    ⋯ ${lines.length - keep} more lines folded (z unfolds)`,
        ...shown(lines.slice(-FOLD_TAIL)),
      ];
    }
    case 'memory':
      return [clip(`  [memory ${e.op}] ${e.detail}`)];
    case 'plan':
      return [`[step ${e.step}] plan (${e.reason}):`, ...indent(e.plan, '    ')];
    case 'error':
      return [clip(`  ! ${e.phase} ${e.kind}: ${e.message}`)];
    case 'run_end':
      return [
        `# ended: ${e.exitReason} after ${e.steps} steps, ${(e.durationMs / 1000).toFixed(1)} s, ${e.usage.modelCalls} model calls, ${e.usage.inputTokens + e.usage.outputTokens} tokens${money(e.usage.costUsd)}, diff ${e.diffChars} chars`,
        ...(e.error ? [`  error: ${e.error}`] : []),
      ];
  }
}

/** Usage over the run: run_end's totals when it is there, else the sum of the model calls read. */
function usageLine(read: TrajectoryRead): string {
  const end = read.events.find((e) => e.type === 'run_end');
  if (end?.type === 'run_end')
    return `usage: ${end.usage.modelCalls} model calls, ${end.usage.inputTokens} in / ${end.usage.outputTokens} out tokens${money(end.usage.costUsd)}`;
  const calls = read.events.filter((e) => e.type === 'model_call');
  const sum = (f: (e: (typeof calls)[number]) => number | undefined) => calls.reduce((s, e) => s + (f(e) ?? 0), 0);
  return `usage so far: ${calls.length} model calls, ${sum((e) => (e.type === 'model_call' ? e.usage.inputTokens : 0))} in / ${sum((e) => (e.type === 'model_call' ? e.usage.outputTokens : 0))} out tokens (no run_end: interrupted or still going)`;
}

export function trajectoryLines(read: TrajectoryRead, folded: boolean): string[] {
  const out: string[] = [usageLine(read), ...read.problems.map((p) => `! ${p}`)];
  read.events.forEach((e, i) => {
    if (i === read.gapAt)
      out.push(
        `⋯ ${(read.skippedBytes / 1024 / 1024).toFixed(1)} MB in the middle of the ${(read.bytes / 1024 / 1024).toFixed(1)} MB file not read (head and tail shown)`,
      );
    out.push(...eventLines(e, folded));
  });
  return out;
}

/** Index of the next line at or after `from` containing `search` (case-insensitive, wrapping), or -1. */
export function findLine(lines: string[], search: string, from: number): number {
  const needle = search.toLowerCase();
  if (!needle || lines.length === 0) return -1;
  for (let k = 0; k < lines.length; k++) {
    const i = (((from + k) % lines.length) + lines.length) % lines.length;
    if (lines[i]!.toLowerCase().includes(needle)) return i;
  }
  return -1;
}
