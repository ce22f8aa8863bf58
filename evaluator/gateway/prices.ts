import { z } from 'zod';
import type { Usage } from '../../agent/models/types.js';

// Dollars per million tokens, kept apart from the clients (as promptfoo does). Cost is undefined when the price
// is unknown: an OpenAI-compatible local server has no list price; set one (0 for free) in evolve.json
// `models.prices`. Same shape as lineage/config.ts ModelPrice.

export const ModelPrice = z.strictObject({
  input: z.number().nonnegative(),
  output: z.number().nonnegative(),
  /** Defaults to the input price when absent. */
  cacheRead: z.number().nonnegative().optional(),
  /** Defaults to the input price when absent. */
  cacheWrite: z.number().nonnegative().optional(),
});
export type ModelPrice = z.infer<typeof ModelPrice>;

const free: ModelPrice = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };

/** List prices (USD per 1M tokens) as published by the providers; keys are model names as written in a genome. */
export const builtinPrices: Record<string, ModelPrice> = {
  'anthropic/claude-opus-4-5': { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 },
  'anthropic/claude-opus-4-1': { input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75 },
  'anthropic/claude-opus-4': { input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75 },
  'anthropic/claude-sonnet-4-5': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
  'anthropic/claude-sonnet-4': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
  'anthropic/claude-3-7-sonnet': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
  'anthropic/claude-haiku-4-5': { input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25 },
  'anthropic/claude-3-5-haiku': { input: 0.8, output: 4, cacheRead: 0.08, cacheWrite: 1 },
  'openai/gpt-5': { input: 1.25, output: 10, cacheRead: 0.125, cacheWrite: 0 },
  'openai/gpt-5-mini': { input: 0.25, output: 2, cacheRead: 0.025, cacheWrite: 0 },
  'openai/gpt-5-nano': { input: 0.05, output: 0.4, cacheRead: 0.005, cacheWrite: 0 },
  'openai/gpt-4.1': { input: 2, output: 8, cacheRead: 0.5, cacheWrite: 0 },
  'openai/gpt-4.1-mini': { input: 0.4, output: 1.6, cacheRead: 0.1, cacheWrite: 0 },
  'openai/gpt-4.1-nano': { input: 0.1, output: 0.4, cacheRead: 0.025, cacheWrite: 0 },
  'openai/gpt-4o': { input: 2.5, output: 10, cacheRead: 1.25, cacheWrite: 0 },
  'openai/gpt-4o-mini': { input: 0.15, output: 0.6, cacheRead: 0.075, cacheWrite: 0 },
  'openai/o3': { input: 2, output: 8, cacheRead: 0.5, cacheWrite: 0 },
  'openai/o4-mini': { input: 1.1, output: 4.4, cacheRead: 0.275, cacheWrite: 0 },
  // No money changes hands: a deterministic strategy, a test double, a recording.
  offline: free,
  scripted: free,
  replay: free,
};

/** Dated snapshots and aliases of a listed model: claude-sonnet-4-5-20250929, gpt-4o-2024-08-06, ...-latest. */
const snapshotSuffix = /^-(\d{8}|\d{4}-\d{2}-\d{2}|latest)$/;

/**
 * The price of `provider/modelId`: an override or built-in entry for the exact name, else for the name without a
 * snapshot suffix. Only dated suffixes are stripped, so a new model (claude-opus-4-6) never inherits an old price.
 */
export function findPrice(modelName: string, overrides: Record<string, ModelPrice> = {}): ModelPrice | undefined {
  // offline/<anything>, scripted/<anything>, replay/<recorded model>: free whatever the model id.
  const provider = modelName.split(/[/:]/)[0] ?? '';
  for (const table of [overrides, builtinPrices]) {
    if (table[modelName]) return table[modelName];
  }
  if (['offline', 'scripted', 'replay'].includes(provider)) return builtinPrices[provider];
  for (const table of [overrides, builtinPrices]) {
    const base = Object.keys(table).find(
      (k) => modelName.startsWith(k) && snapshotSuffix.test(modelName.slice(k.length)),
    );
    if (base) return table[base];
  }
  return undefined;
}

/** Dollars for one call; undefined when the price or the input/output counts are unknown. */
export function costOf(usage: Usage, price: ModelPrice | undefined): number | undefined {
  if (!price || usage.inputTokens === undefined || usage.outputTokens === undefined) return undefined;
  const dollars =
    usage.inputTokens * price.input +
    usage.outputTokens * price.output +
    (usage.cacheReadTokens ?? 0) * (price.cacheRead ?? price.input) +
    (usage.cacheWriteTokens ?? 0) * (price.cacheWrite ?? price.input);
  return dollars / 1_000_000;
}

export function totalTokens(usage: Usage): number {
  return (
    (usage.inputTokens ?? 0) + (usage.outputTokens ?? 0) + (usage.cacheReadTokens ?? 0) + (usage.cacheWriteTokens ?? 0)
  );
}
