import { ModelPrice } from '../../agent/models/price.js';
import { MODEL_PROVIDERS } from '../../agent/models/providers/index.js';
import type { Usage } from '../../agent/models/types.js';

// Dollars per million tokens, kept apart from the clients (as promptfoo does): each provider lists its own
// (agent/models/providers/). Cost is undefined when the price is unknown: an OpenAI-compatible local server has no
// list price; set one (0 for free) in evolve.json `models.prices`.

export { ModelPrice };

const free: ModelPrice = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };

/** List prices (USD per 1M tokens) keyed by model name as written in a genome; free providers under their name. */
export const builtinPrices: Record<string, ModelPrice> = Object.fromEntries(
  MODEL_PROVIDERS.flatMap((p) =>
    p.prices === 'free' ? [[p.name, free]] : Object.entries(p.prices).map(([id, price]) => [`${p.name}/${id}`, price]),
  ),
);

/** Dated snapshots and aliases of a listed model: claude-sonnet-4-5-20250929, gpt-4o-2024-08-06, ...-latest. */
const snapshotSuffix = /^-(\d{8}|\d{4}-\d{2}-\d{2}|latest)$/;

/**
 * The price of `provider/modelId`: an override or built-in entry for the exact name, else for the name without a
 * snapshot suffix. Only dated suffixes are stripped, so a new model (claude-opus-4-6) never inherits an old price.
 */
export function findPrice(modelName: string, overrides: Record<string, ModelPrice> = {}): ModelPrice | undefined {
  // A free provider (offline, scripted, replay/<recorded model>) is free whatever the model id.
  const provider = MODEL_PROVIDERS.find((p) => p.name === modelName.split(/[/:?]/)[0]);
  for (const table of [overrides, builtinPrices]) {
    if (table[modelName]) return table[modelName];
  }
  if (provider?.prices === 'free') return free;
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
