import { describe, expect, it } from 'vitest';
import {
  mcnemarExact,
  noiseFloor,
  pairedComparison,
  passAtK,
  summarize,
  taskScores,
  wilson,
  wilsonRate,
  type RunOutcome,
} from './index.js';

const runs = (rows: Array<[string, number, boolean]>): RunOutcome[] =>
  rows.map(([taskId, repeat, resolved]) => ({ taskId, repeat, resolved }));

describe('wilson', () => {
  it('matches hand-computed bounds', () => {
    const w = wilson(7, 10);
    expect(w.estimate).toBe(0.7);
    expect(w.lo).toBeCloseTo(0.3968, 4);
    expect(w.hi).toBeCloseTo(0.8922, 4);
    // At the edges the interval stays inside [0, 1] and is not degenerate.
    expect(wilson(0, 10).lo).toBe(0);
    expect(wilson(0, 10).hi).toBeCloseTo(0.27753, 4);
    expect(wilson(10, 10).lo).toBeCloseTo(0.72247, 4);
    expect(wilson(45, 100).lo).toBeCloseTo(0.35614, 4);
  });
  it('rejects impossible counts', () => {
    expect(() => wilson(11, 10)).toThrow(RangeError);
    expect(wilson(0, 0)).toMatchObject({ lo: 0, hi: 1 });
  });
});

describe('passAtK', () => {
  it('is the unbiased estimator', () => {
    expect(passAtK(5, 2, 1)).toBeCloseTo(0.4, 12);
    expect(passAtK(5, 2, 2)).toBeCloseTo(0.7, 12); // 1 - C(3,2)/C(5,2)
    expect(passAtK(5, 2, 4)).toBe(1);
    expect(passAtK(5, 0, 3)).toBe(0);
    expect(() => passAtK(3, 1, 4)).toThrow(RangeError);
  });
});

describe('mcnemarExact', () => {
  it('is a two-sided binomial on discordant pairs', () => {
    expect(mcnemarExact(1, 9).p).toBeCloseTo(0.021484375, 9);
    expect(mcnemarExact(0, 6).p).toBeCloseTo(0.03125, 9);
    expect(mcnemarExact(5, 5).p).toBe(1);
    expect(mcnemarExact(0, 0).p).toBe(1);
    expect(mcnemarExact(9, 1).p).toBeCloseTo(mcnemarExact(1, 9).p, 12);
  });
});

describe('summaries', () => {
  it('averages repeats per task, then tasks; pass@k over tasks', () => {
    const s = summarize(
      runs([
        ['a', 0, true],
        ['a', 1, false],
        ['b', 0, false],
        ['b', 1, false],
        ['c', 0, true],
        ['c', 1, true],
      ]),
    );
    expect(s.tasks).toBe(3);
    expect(s.resolveRate).toBeCloseTo(0.5, 12);
    expect(s.passAtK[1]).toBeCloseTo(0.5, 12);
    expect(s.passAtK[2]).toBeCloseTo(2 / 3, 12);
    // The task is the unit: 1.5 of 3 tasks, not 3 of 6 runs.
    expect(s.interval.lo).toBeCloseTo(wilsonRate(0.5, 3).lo, 12);
    expect(s.interval.lo).toBeLessThan(wilson(3, 6).lo);
    expect(s.meanCostPerTask).toBeUndefined();
  });
});

describe('pairedComparison', () => {
  const a = taskScores(
    runs([
      ['t1', 0, false],
      ['t2', 0, false],
      ['t3', 0, true],
      ['t4', 0, true],
      ['only-a', 0, true],
    ]),
  );
  const b = taskScores(
    runs([
      ['t1', 0, true],
      ['t2', 0, true],
      ['t3', 0, true],
      ['t4', 0, false],
      ['only-b', 0, false],
    ]),
  );
  it('uses only the tasks both ran and computes the paired difference', () => {
    const c = pairedComparison(a, b, { seed: 7 });
    expect(c.tasks).toEqual(['t1', 't2', 't3', 't4']);
    expect(c.meanA).toBe(0.5);
    expect(c.meanB).toBe(0.75);
    expect(c.diff).toBeCloseTo(0.25, 12);
    expect(c.lo).toBeLessThanOrEqual(c.diff);
    expect(c.hi).toBeGreaterThanOrEqual(c.diff);
    // Deltas are (1, 1, 0, -1): an interval this wide straddles zero with only four tasks.
    expect(c.lo).toBeLessThan(0);
    expect(c.hi).toBeLessThanOrEqual(1);
    expect(c.mcnemar).toEqual({ b: 1, c: 2, p: 1 });
  });
  it('is reproducible from the seed and degenerate when every task moves the same way', () => {
    expect(pairedComparison(a, b, { seed: 3 })).toEqual(pairedComparison(a, b, { seed: 3 }));
    const same = pairedComparison(a, a);
    expect([same.diff, same.lo, same.hi]).toEqual([0, 0, 0]);
  });
});

describe('noiseFloor', () => {
  it('gives the spread of repeated runs of one genome and names flaky tasks', () => {
    // Repeat 0: 2/4, repeat 1: 3/4, repeat 2: 1/4 -> sd 0.25.
    const nf = noiseFloor(
      runs([
        ['a', 0, true],
        ['b', 0, true],
        ['c', 0, false],
        ['d', 0, false],
        ['a', 1, true],
        ['b', 1, true],
        ['c', 1, true],
        ['d', 1, false],
        ['a', 2, true],
        ['b', 2, false],
        ['c', 2, false],
        ['d', 2, false],
      ]),
    );
    expect(nf.repeatScores).toEqual([0.5, 0.75, 0.25]);
    expect(nf.sd).toBeCloseTo(0.25, 12);
    expect(nf.flakyTasks).toEqual(['b', 'c']);
    // b and c: p=2/3 and 1/3, each p(1-p)*3/2 = 1/3 -> sqrt(2/3)/4.
    expect(nf.analyticSd).toBeCloseTo(Math.sqrt(2 / 3) / 4, 12);
    expect(nf.minDetectableDiff).toBeCloseTo(1.959963984540054 * Math.SQRT2 * 0.25, 9);
  });
});
