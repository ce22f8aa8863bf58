import { describe, expect, it } from 'vitest';
import { wilsonRate } from './interval.js';
import { pairedComparison } from './paired.js';
import { summarize, taskScores } from './summary.js';
import { binomialUpperTail, holmAdjust, pairedTest, signFlipTest, signTest, spendAtLook } from './tests.js';

const binary = (outcomes: number[]) =>
  taskScores(outcomes.map((o, i) => ({ taskId: `t${String(i).padStart(2, '0')}`, repeat: 0, resolved: o === 1 })));

describe('paired tests against textbook values', () => {
  it('sign test: exact binomial tails (scipy.stats.binomtest, alternative="greater")', () => {
    expect(binomialUpperTail(4, 4)).toBeCloseTo(1 / 16, 12);
    expect(binomialUpperTail(5, 5)).toBeCloseTo(1 / 32, 12);
    expect(signTest(9, 2).p).toBeCloseTo(67 / 2048, 12);
    expect(signTest(9, 2).pWorse).toBeCloseTo(2036 / 2048, 12);
    expect(signTest(0, 0)).toEqual({ p: 1, pWorse: 1 });
  });

  it("sign-flip permutation test: Fisher's exact randomisation p on Darwin's Zea mays pairs is 863/32768", () => {
    const darwin = [49, -67, 8, 16, 6, 23, 28, 41, 14, 29, 56, 24, 75, 60, -48];
    const r = signFlipTest(darwin);
    expect(r.exact).toBe(true);
    expect(r.p).toBeCloseTo(863 / 32768, 10);
    // The Monte Carlo fallback (irrational differences) lands near the exact value.
    const mc = signFlipTest(
      darwin.map((d) => d * Math.SQRT2),
      0,
      { iterations: 40000 },
    );
    expect(mc.exact).toBe(false);
    expect(mc.p).toBeGreaterThan(0.022);
    expect(mc.p).toBeLessThan(0.031);
  });

  it('means over 256 repeats (eight doublings) are tested exactly: Darwin scaled to that lattice keeps its p', () => {
    const darwin = [49, -67, 8, 16, 6, 23, 28, 41, 14, 29, 56, 24, 75, 60, -48];
    const r = signFlipTest(darwin.map((d) => d / 256));
    expect(r.exact).toBe(true);
    expect(r.p).toBeCloseTo(863 / 32768, 10);
  });

  it('on binary outcomes with margin 0 the permutation test is the sign test', () => {
    const deltas = [1, 1, 1, 0, 0, -1, 1, 0, 1];
    expect(signFlipTest(deltas).p).toBeCloseTo(signTest(5, 1).p, 12);
  });

  it('4-0 and 5-0 of 32 tasks are not significant at one-sided 2.5% (a bootstrap interval says they are); 6-0 is', () => {
    const champion = binary(Array(32).fill(0));
    for (const wins of [4, 5, 6]) {
      const child = binary([...Array(wins).fill(1), ...Array(32 - wins).fill(0)]);
      const vs = pairedComparison(champion, child, { seed: 1 });
      expect(vs.test.test).toBe('sign');
      expect(vs.test.p).toBeCloseTo(2 ** -wins, 12);
      expect(vs.lo).toBeGreaterThan(0);
      expect(vs.test.p <= 0.025).toBe(wins === 6);
    }
  });

  it('per-task means over repeats use the permutation test with the task as the unit', () => {
    const runs = (p: number[]) =>
      taskScores(p.flatMap((k, i) => [0, 1].map((r) => ({ taskId: `t${i}`, repeat: r, resolved: r < k }))));
    const t = pairedTest(runs([0, 0, 1, 1, 0]), runs([2, 1, 1, 2, 0]));
    expect(t.test).toBe('permutation');
    expect([t.wins, t.losses, t.ties]).toEqual([3, 0, 2]);
    // Deltas 1, 0.5, 0.5: 8 sign patterns, sums >= 2 only when all positive -> 1/8.
    expect(t.p).toBeCloseTo(1 / 8, 12);
    expect(t.exact).toBe(true);
  });

  it('a margin shifts the null: the child must beat the champion by more than it on the tasks', () => {
    const a = binary(Array(20).fill(0));
    const b = binary([...Array(10).fill(1), ...Array(10).fill(0)]);
    expect(pairedTest(a, b, 0).p).toBeCloseTo(2 ** -10, 12);
    // With margin 0.1 every tie becomes -0.1 and every win +0.9: still significant, but less so.
    const withMargin = pairedTest(a, b, 0.1);
    expect(withMargin.test).toBe('permutation');
    expect(withMargin.p).toBeGreaterThan(2 ** -10);
    expect(withMargin.p).toBeLessThan(0.025);
  });

  it("Holm's adjusted p-values (R p.adjust(c(.01,.04,.03,.005), 'holm'))", () => {
    const adj = holmAdjust([0.01, 0.04, 0.03, 0.005]);
    [0.03, 0.06, 0.06, 0.02].forEach((x, i) => expect(adj[i]).toBeCloseTo(x, 12));
    expect(holmAdjust([0.5, 0.9])).toEqual([1, 1]);
    expect(holmAdjust([0.2, 0.01])).toEqual([0.2, 0.02]);
  });

  it('alpha spending: Pocock-type Lan-DeMets increments that add up to the level', () => {
    expect(spendAtLook(0.025, 0, 0)).toBe(0.025);
    const looks = [0, 1, 2].map((k) => spendAtLook(0.025, k, 2));
    expect(looks[0]).toBeCloseTo(0.025 * Math.log(1 + (Math.E - 1) / 4), 12);
    expect(looks.reduce((s, x) => s + x, 0)).toBeCloseTo(0.025, 12);
    for (const x of looks) expect(x).toBeGreaterThan(0);
  });

  it('a suite score interval has the task as the unit: 3 of 32 at 2 repeats reads [3.2%, 24.2%], not [4.4%, 19.0%]', () => {
    const runs = Array.from({ length: 32 }, (_, i) =>
      [0, 1].map((r) => ({ taskId: `t${i}`, repeat: r, resolved: i < 3 })),
    ).flat();
    const s = summarize(runs);
    expect(s.interval.lo).toBeCloseTo(0.0324, 3);
    expect(s.interval.hi).toBeCloseTo(0.2422, 3);
    expect(wilsonRate(3 / 32, 32)).toEqual(s.interval);
  });
});
