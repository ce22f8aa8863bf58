import { availableParallelism } from 'node:os';

/**
 * CPUs a sandbox (or an image build) may use by default: fewer than the host has, so one core always stays with
 * the evaluator and the engine; at most 2; half a core on a one-core host.
 */
export function defaultCpus(cores = availableParallelism()): number {
  return Math.min(2, Math.max(0.5, cores - 1));
}
