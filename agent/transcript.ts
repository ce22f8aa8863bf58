import type { TrajectoryEvent } from './trajectory-events.js';

// A readable transcript of a run for people: what the agent said, what it ran, what it saw, why it stopped.

function indent(text: string, prefix = '    '): string {
  return text
    .split('\n')
    .map((line) => prefix + line)
    .join('\n');
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more chars)`;
}

function renderEvent(event: TrajectoryEvent, maxOutputChars: number): string | undefined {
  switch (event.type) {
    case 'run_start':
      return [
        `# Run of task ${event.taskId} (genome ${event.genomeHash}, model ${event.genome.model})`,
        `tools: ${event.tools.join(', ')}`,
        '',
        '## Task',
        event.instance,
      ].join('\n');
    case 'model_call': {
      const usage = `in ${event.usage.inputTokens ?? '?'} / out ${event.usage.outputTokens ?? '?'} tokens${event.costUsd === undefined ? '' : `, $${event.costUsd.toFixed(4)}`}`;
      const head = `${event.step === undefined ? '' : `[step ${event.step}] `}model ${event.modelId} (${event.request.purpose}) ${event.latencyMs} ms, ${usage}`;
      if (event.error) return `${head}\n  FAILED (${event.error.kind}): ${event.error.message}`;
      const parts = (event.response?.content ?? []).map((p) =>
        p.type === 'text' ? indent(p.text.trim(), '  > ') : `  -> ${p.name} ${clip(JSON.stringify(p.input), 400)}`,
      );
      return [head, ...parts].join('\n');
    }
    case 'tool_call': {
      const status =
        event.status === 'ok'
          ? `exit ${event.exitCode ?? '-'}${event.timedOut ? ', timed out' : ''}${event.truncated ? ', truncated' : ''}, ${event.durationMs} ms`
          : event.status;
      return `  $ ${event.name} (${status})\n${indent(clip(event.display ?? event.output, maxOutputChars))}`;
    }
    case 'memory':
      return `  [memory ${event.op}] ${event.detail}`;
    case 'plan':
      return `[step ${event.step}] plan (${event.reason}):\n${indent(event.plan)}`;
    case 'error':
      return `  ! ${event.phase} ${event.kind}: ${event.message}`;
    case 'run_end': {
      const cost = event.usage.costUsd === undefined ? '' : `, $${event.usage.costUsd.toFixed(4)}`;
      return `\n# Ended: ${event.exitReason} after ${event.steps} steps, ${(event.durationMs / 1000).toFixed(1)} s, ${event.usage.modelCalls} model calls, ${event.usage.inputTokens + event.usage.outputTokens} tokens${cost}, diff ${event.diffChars} chars${event.error ? `\n  error: ${event.error}` : ''}`;
    }
  }
}

export function renderTranscript(events: TrajectoryEvent[], options: { maxOutputChars?: number } = {}): string {
  const max = options.maxOutputChars ?? 2_000;
  const out = events.map((e) => renderEvent(e, max)).filter((s): s is string => s !== undefined);
  if (!events.some((e) => e.type === 'run_end'))
    out.push('\n# (no run_end: the run was interrupted or is still going)');
  return out.join('\n') + '\n';
}
