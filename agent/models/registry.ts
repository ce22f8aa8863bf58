import { type CreateModelOptions, ModelNameError, type ModelProvider, type ParsedModelName } from './provider.js';
import { MODEL_PROVIDERS } from './providers/index.js';
import { RetryingModel, type RetryPolicy } from './retry.js';
import type { Model } from './types.js';

// One string picks the model (see README "## Models"): `<provider>/<model>`, `<provider>:<arg>`, `<provider>?<params>`
// or the provider alone, each provider reading its own part (providers/).

export type { CreateModelOptions } from './provider.js';
export { ModelNameError } from './provider.js';
export { OFFLINE_PARAMS } from './providers/offline.js';
export type ModelName = ParsedModelName;

const nameHint = () => `Write the model as ${MODEL_PROVIDERS.map((p) => p.usage).join(', ')}.`;

/** The provider of a name, and what follows it. */
function split(text: string): { provider: string; rest: string | undefined } {
  const at = text.search(/[/:?]/);
  return at < 0 ? { provider: text, rest: undefined } : { provider: text.slice(0, at), rest: text.slice(at + 1) };
}

export function modelProvider(name: string): ModelProvider {
  const { provider } = split(name.trim());
  const found = MODEL_PROVIDERS.find((p) => p.name === provider);
  if (found) return found;
  const error =
    provider === name.trim()
      ? new ModelNameError(`model "${name}": no provider; expected "<provider>/<model>"`)
      : new ModelNameError(
          `model "${name}": unknown provider "${provider}" (known: ${MODEL_PROVIDERS.map((p) => p.name).join(', ')})`,
        );
  error.hint = nameHint();
  throw error;
}

export function parseModelName(name: string): ModelName {
  const provider = modelProvider(name);
  try {
    return provider.parse(split(name.trim()).rest, name);
  } catch (error) {
    if (error instanceof ModelNameError) error.hint = nameHint();
    throw error;
  }
}

/** Models that can write proposals and code on request (not a search strategy, not a replay). */
export function canWriteProposals(model: string): boolean {
  return modelProvider(model).canPropose;
}

/** The model declares itself deterministic (providers' `deterministic`); false for a name that cannot be read. */
export function isDeterministicModel(model: string): boolean {
  try {
    return modelProvider(model).deterministic;
  } catch {
    return false;
  }
}

/** The model name with offline params set (other models are returned unchanged). */
export function withOfflineParams(name: string, params: Record<string, number>): string {
  const parsed = parseModelName(name);
  if (parsed.provider !== 'offline') return name;
  const merged = { ...(parsed.params as Record<string, number> | undefined), ...params };
  const query = Object.keys(merged)
    .sort()
    .map((k) => `${k}=${merged[k]}`)
    .join('&');
  return query ? `offline?${query}` : 'offline';
}

export async function createModel(name: string, options: CreateModelOptions = {}): Promise<Model> {
  const provider = modelProvider(name);
  const parsed = parseModelName(name);
  const env = options.env ?? process.env;
  const policy: Partial<RetryPolicy> = {
    ...options.retry,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  };
  if (options.maxRetries !== undefined) policy.maxRetries = options.maxRetries;
  const model = await provider.create(parsed, name, { ...options, timeoutMs: policy.timeoutMs }, env);
  return provider.remote ? new RetryingModel(model, policy, options.retryDeps) : model;
}
