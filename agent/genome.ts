import { createHash } from 'node:crypto';
import { z } from 'zod';

export const POLICY_SLOTS = ['planning', 'tools', 'memory', 'prompt'] as const;
export type PolicySlot = (typeof POLICY_SLOTS)[number];

export const PolicyChoice = z.strictObject({
  name: z.string().min(1),
  params: z.record(z.string(), z.unknown()).default({}),
});
export type PolicyChoice = z.infer<typeof PolicyChoice>;

export const Budgets = z.strictObject({
  steps: z.number().int().positive().default(40),
  tokens: z.number().int().positive().optional(),
  dollars: z.number().positive().optional(),
  wallClockSec: z.number().positive().default(900),
});
export type Budgets = z.infer<typeof Budgets>;

/** Everything that, with the code version, fully describes how an agent runs. */
export const Genome = z.strictObject({
  /** Model name, e.g. "anthropic/claude-sonnet-4-5", "openai/gpt-5", "offline". See agent/models/registry. */
  model: z.string().min(1),
  planning: PolicyChoice,
  tools: PolicyChoice,
  memory: PolicyChoice,
  prompt: PolicyChoice,
  budgets: Budgets.default({ steps: 40, wallClockSec: 900 }),
});
export type Genome = z.infer<typeof Genome>;

/** Key-sorted JSON, so equal genomes hash and print identically. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

export function genomeHash(genome: Genome): string {
  return createHash('sha256')
    .update(canonicalJson(Genome.parse(genome)))
    .digest('hex')
    .slice(0, 16);
}
