import { z } from 'zod';
import { OpenAIModel } from '../openai.js';
import { ModelNameError, type ModelProvider } from '../provider.js';
import { readModelId } from './model-id.js';

const httpUrl = z.url({ protocol: /^https?$/, error: 'the base URL after "@" must be an http(s) URL' });

/** Any server speaking OpenAI's chat API (vLLM, llama.cpp, Ollama): `openai-compatible/<model>@<baseURL>`. */
export const openaiCompatible: ModelProvider<{ provider: 'openai-compatible'; model: string; baseURL: string }> = {
  name: 'openai-compatible',
  usage: 'openai-compatible/<model>@<baseURL>',
  keyVariable: 'OPENAI_COMPATIBLE_API_KEY',
  canPropose: true,
  remote: true,
  deterministic: false,
  // A local server has no list price: set one (0 for free) in evolve.json models.prices.
  prices: {},
  parse: (rest, name) => {
    // Model ids may contain "@" or "/" (e.g. Qwen/Qwen2.5-Coder@fp8); the URL starts at the "@http".
    const at = rest?.search(/@https?:\/\//) ?? -1;
    if (rest === undefined || at < 0)
      throw new ModelNameError(
        `model "${name}": openai-compatible needs a base URL, as openai-compatible/<model>@http://host:port/v1`,
      );
    const model = readModelId(rest.slice(0, at), name);
    const url = httpUrl.safeParse(rest.slice(at + 1));
    if (!url.success)
      throw new ModelNameError(`model "${name}": ${url.error.issues[0]?.message} (got "${rest.slice(at + 1)}")`);
    return { provider: 'openai-compatible', model, baseURL: url.data };
  },
  create: async (parsed, _name, options, env) =>
    new OpenAIModel({
      provider: 'openai-compatible',
      modelId: parsed.model,
      // Local servers usually want no key; the SDK insists on one, and a placeholder is harmless.
      apiKey: env.OPENAI_COMPATIBLE_API_KEY || 'not-needed',
      baseURL: parsed.baseURL,
      timeoutMs: options.timeoutMs,
      keyVariable: 'OPENAI_COMPATIBLE_API_KEY',
    }),
};
