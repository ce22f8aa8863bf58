import type { ModelPrice } from './price.js';
import type { RetryDeps, RetryPolicy } from './retry.js';
import type { ScriptedEntry } from './scripted.js';
import type { Model } from './types.js';

// What a model provider is, in one place: how its names are written and read, the key it needs, its list prices,
// what it can do, and how its client is made. One file per provider (providers/), one line in providers/index.ts.

/** A model name once read: its provider and that provider's own fields (model id, base URL, params, path). */
export type ParsedModelName = { provider: string } & Record<string, unknown>;

export interface CreateModelOptions {
  /** Where keys and base URLs come from; defaults to process.env. The agent never sees this, only the gateway's caller. */
  env?: Record<string, string | undefined>;
  /** Per attempt. */
  timeoutMs?: number;
  maxRetries?: number;
  /** Finer retry settings (tests shorten the delays). */
  retry?: Partial<RetryPolicy>;
  retryDeps?: RetryDeps;
  /** For `scripted`. */
  script?: ScriptedEntry[];
  /** Passed to createOfflineModel (policies it adapts to: tools, memory window, step budget). */
  offline?: Record<string, unknown>;
  /** Anthropic prompt caching (default on). */
  cache?: boolean;
}

export interface ModelProvider<P extends ParsedModelName = ParsedModelName> {
  name: string;
  /** How a name is written, for hints: `anthropic/<model>`. */
  usage: string;
  /** The variable holding its key (`evolve doctor` lists it; only the gateway's caller reads it, never the agent). */
  keyVariable?: string;
  /** List prices by model id (USD per 1M tokens), or 'free' whatever the model (no money changes hands). */
  prices: Record<string, ModelPrice> | 'free';
  /** Can answer free-form prompts with JSON: write proposals, author code (a search strategy or a replay cannot). */
  canPropose: boolean;
  /** Calls go over a network: wrapped in retries with timeouts. */
  remote: boolean;
  /**
   * Its answers are a function of the request (and the run's seed): no sampling noise. A decision between two genomes
   * of such models gains nothing from looking again at more repeats, so it takes one look at its whole level (no
   * evidence rounds, no re-offers, one held-out repeat) instead of spending the level over looks it will never use.
   */
  deterministic: boolean;
  /**
   * Reads what follows the provider in a name (`rest`: after the first `/`, `:` or `?`; undefined when the name is
   * the provider alone). Throws ModelNameError naming the bad part.
   */
  parse(rest: string | undefined, name: string): P;
  create(parsed: P, name: string, options: CreateModelOptions, env: Record<string, string | undefined>): Promise<Model>;
}

/** A model name that cannot be read; the registry fills the hint with every provider's form. */
export class ModelNameError extends Error {
  override readonly name = 'ModelNameError';
  hint = '';
}
