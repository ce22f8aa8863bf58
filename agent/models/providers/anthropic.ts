import { AnthropicModel } from '../anthropic.js';
import type { ModelProvider } from '../provider.js';
import { readModelId, requireKey } from './model-id.js';

export const anthropic: ModelProvider<{ provider: 'anthropic'; model: string }> = {
  name: 'anthropic',
  usage: 'anthropic/<model>',
  keyVariable: 'ANTHROPIC_API_KEY',
  canPropose: true,
  remote: true,
  deterministic: false,
  // As published by the provider; dated snapshots (-20250929) read their base model's price.
  prices: {
    'claude-opus-4-5': { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 },
    'claude-opus-4-1': { input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75 },
    'claude-opus-4': { input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75 },
    'claude-sonnet-4-5': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
    'claude-sonnet-4': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
    'claude-3-7-sonnet': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
    'claude-haiku-4-5': { input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25 },
    'claude-3-5-haiku': { input: 0.8, output: 4, cacheRead: 0.08, cacheWrite: 1 },
  },
  parse: (rest, name) => ({ provider: 'anthropic', model: readModelId(rest, name) }),
  create: async (parsed, name, options, env) =>
    new AnthropicModel({
      modelId: parsed.model,
      apiKey: requireKey(env, 'ANTHROPIC_API_KEY', name),
      baseURL: env.ANTHROPIC_BASE_URL || 'https://api.anthropic.com',
      timeoutMs: options.timeoutMs,
      cache: options.cache,
    }),
};
