import { OpenAIModel } from '../openai.js';
import type { ModelProvider } from '../provider.js';
import { readModelId, requireKey } from './model-id.js';

export const openai: ModelProvider<{ provider: 'openai'; model: string }> = {
  name: 'openai',
  usage: 'openai/<model>',
  keyVariable: 'OPENAI_API_KEY',
  canPropose: true,
  remote: true,
  deterministic: false,
  // As published by the provider; dated snapshots (-2024-08-06) read their base model's price.
  prices: {
    'gpt-5': { input: 1.25, output: 10, cacheRead: 0.125, cacheWrite: 0 },
    'gpt-5-mini': { input: 0.25, output: 2, cacheRead: 0.025, cacheWrite: 0 },
    'gpt-5-nano': { input: 0.05, output: 0.4, cacheRead: 0.005, cacheWrite: 0 },
    'gpt-4.1': { input: 2, output: 8, cacheRead: 0.5, cacheWrite: 0 },
    'gpt-4.1-mini': { input: 0.4, output: 1.6, cacheRead: 0.1, cacheWrite: 0 },
    'gpt-4.1-nano': { input: 0.1, output: 0.4, cacheRead: 0.025, cacheWrite: 0 },
    'gpt-4o': { input: 2.5, output: 10, cacheRead: 1.25, cacheWrite: 0 },
    'gpt-4o-mini': { input: 0.15, output: 0.6, cacheRead: 0.075, cacheWrite: 0 },
    o3: { input: 2, output: 8, cacheRead: 0.5, cacheWrite: 0 },
    'o4-mini': { input: 1.1, output: 4.4, cacheRead: 0.275, cacheWrite: 0 },
  },
  parse: (rest, name) => ({ provider: 'openai', model: readModelId(rest, name) }),
  create: async (parsed, name, options, env) =>
    new OpenAIModel({
      provider: 'openai',
      modelId: parsed.model,
      apiKey: requireKey(env, 'OPENAI_API_KEY', name),
      baseURL: env.OPENAI_BASE_URL || 'https://api.openai.com/v1',
      timeoutMs: options.timeoutMs,
      keyVariable: 'OPENAI_API_KEY',
    }),
};
