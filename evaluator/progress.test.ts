import { describe, expect, it } from 'vitest';
import { emptyCounts, formatDuration, progressLine, progressReporter, type ProgressSnapshot } from './progress.js';

const snap = (over: Partial<ProgressSnapshot> = {}): ProgressSnapshot => ({
  ...emptyCounts(10),
  experimentId: 'exp-02',
  dollars: 0.5,
  tokens: 1000,
  elapsedMs: 60_000,
  concurrency: 2,
  ...over,
});

function stream(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, s: { isTTY, write: (c: string) => (chunks.push(c), true) } as unknown as NodeJS.WriteStream };
}

describe('progress', () => {
  it('the live line shows done/running/failed, rate, ETA and dollars; the rate ignores runs done before a resume', () => {
    const line = progressLine(snap({ done: 6, alreadyDone: 2, running: 2, infraErrors: 1, resolved: 4 }));
    expect(line).toContain('6/10 done');
    expect(line).toContain('2 running');
    expect(line).toContain('1 infra errors');
    expect(line).toContain('4.0/min'); // 4 fresh runs in one minute
    expect(line).toContain('ETA 1m00s'); // 4 left at 4/min
    expect(line).toContain('$0.50');
    expect(formatDuration(3_725_000)).toBe('1h02m');
  });

  it('writes one plain line per finished run when not a terminal, and redraws one line on a terminal', () => {
    const plain = stream(false);
    const report = progressReporter(plain.s);
    report(snap({ running: 1 }));
    report(
      snap({
        done: 1,
        event: { type: 'run', taskId: 't1', repeat: 0, status: 'done', outcome: 'resolved', exitReason: 'submitted' },
      }),
    );
    expect(plain.chunks).toEqual(['[exp-02] t1#0 resolved (submitted)  [1/10, $0.50]\n']);

    const prevCI = process.env.CI;
    delete process.env.CI;
    try {
      const tty = stream(true);
      progressReporter(tty.s)(snap({ running: 1 }));
      expect(tty.chunks[0]).toMatch(/^\r\x1b\[2K.*0\/10 done/);
      expect(tty.chunks[0]).not.toContain('\n');
    } finally {
      if (prevCI !== undefined) process.env.CI = prevCI;
    }
  });
});
