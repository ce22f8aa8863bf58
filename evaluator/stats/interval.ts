// Binomial intervals and pass@k: the per-experiment scores, with no dependence on how runs were stored.

/** z for a two-sided 95% interval. */
export const Z95 = 1.959963984540054;

export interface Interval {
  estimate: number;
  lo: number;
  hi: number;
}

/**
 * Wilson score interval for `successes` out of `n`. Preferred over the normal (Wald) interval because it stays
 * inside [0, 1] and keeps its coverage at the small n and extreme rates a 10-task subset produces.
 */
export function wilson(successes: number, n: number, z = Z95): Interval {
  if (!Number.isInteger(successes) || !Number.isInteger(n) || successes < 0 || n < 0 || successes > n) {
    throw new RangeError(`wilson: need integers 0 <= successes <= n, got ${successes}/${n}`);
  }
  if (n === 0) return { estimate: Number.NaN, lo: 0, hi: 1 };
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return { estimate: p, lo: Math.max(0, center - half), hi: Math.min(1, center + half) };
}

/**
 * Wilson interval for a rate `p` over `n` units where p * n need not be whole: a suite's resolve rate with the task as
 * the unit (the mean over tasks of each task's mean over repeats). Repeats of one task are not independent units, so
 * they do not narrow it: 3 of 32 tasks at 2 repeats reads [3.2%, 24.2%], as at 1 repeat.
 */
export function wilsonRate(p: number, n: number, z = Z95): Interval {
  if (n <= 0 || Number.isNaN(p)) return { estimate: Number.NaN, lo: 0, hi: 1 };
  if (p < 0 || p > 1) throw new RangeError(`wilsonRate: need 0 <= p <= 1, got ${p}`);
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return { estimate: p, lo: Math.max(0, center - half), hi: Math.min(1, center + half) };
}

/**
 * Unbiased pass@k (Chen et al. 2021): the chance that at least one of k samples drawn without replacement from
 * n attempts with c successes succeeds, 1 - C(n-c, k) / C(n, k), computed as a product to avoid huge binomials.
 */
export function passAtK(n: number, c: number, k: number): number {
  if (k < 1 || k > n) throw new RangeError(`passAtK: need 1 <= k <= n, got k=${k}, n=${n}`);
  if (c < 0 || c > n) throw new RangeError(`passAtK: need 0 <= c <= n, got c=${c}, n=${n}`);
  if (n - c < k) return 1;
  let fail = 1;
  for (let i = n - c + 1; i <= n; i++) fail *= 1 - k / i;
  return 1 - fail;
}

/** log C(n, k), for exact binomial tails at any n. */
export function logChoose(n: number, k: number): number {
  if (k < 0 || k > n) return Number.NEGATIVE_INFINITY;
  let s = 0;
  for (let i = 1; i <= Math.min(k, n - k); i++) s += Math.log(n - Math.min(k, n - k) + i) - Math.log(i);
  return s;
}
