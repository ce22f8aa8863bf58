import { z } from 'zod';
import { AnthropicModel } from './anthropic.js';
import { OpenAIModel } from './openai.js';
import { createReplayModel } from './replay.js';
import { RetryingModel, type RetryDeps, type RetryPolicy } from './retry.js';
import { ScriptedModel, type ScriptedEntry } from './scripted.js';
import type { Model } from './types.js';
import { ModelError } from './types.js';

// One string picks the model (see README "## Models"):
//   anthropic/<model>   openai/<model>   openai-compatible/<model>@<baseURL>   offline[?candidates=N&seed=S]
//   scripted   replay:<trajectory.jsonl>

const modelId = z.string().min(1, 'the model id after "/" is empty').regex(/^\S+$/, 'the model id contains spaces');
const httpUrl = z.url({ protocol: /^https?$/, error: 'the base URL after "@" must be an http(s) URL' });

export const ModelName = z.discriminatedUnion('provider', [
  z.object({ provider: z.literal('anthropic'), model: modelId }),
  z.object({ provider: z.literal('openai'), model: modelId }),
  z.object({ provider: z.literal('openai-compatible'), model: modelId, baseURL: httpUrl }),
  z.object({ provider: z.literal('offline'), params: z.record(z.string(), z.number()).optional() }),
  z.object({ provider: z.literal('scripted') }),
  z.object({ provider: z.literal('replay'), path: z.string().min(1, 'the trajectory path after "replay:" is empty') }),
]);
export type ModelName = z.infer<typeof ModelName>;

const nameHint =
  'Write the model as anthropic/<model>, openai/<model>, openai-compatible/<model>@<baseURL>, offline, scripted or replay:<trajectory.jsonl>.';

export class ModelNameError extends Error {
  override readonly name = 'ModelNameError';
  readonly hint = nameHint;
}

export function parseModelName(name: string): ModelName {
  const text = name.trim();
  let raw: Record<string, string>;
  if (text === 'offline' || text.startsWith('offline?'))
    return { provider: 'offline', ...offlineParams(name, text.slice('offline?'.length)) };
  if (text === 'scripted') raw = { provider: text };
  else if (text.startsWith('replay:')) raw = { provider: 'replay', path: text.slice('replay:'.length) };
  else {
    const slash = text.indexOf('/');
    if (slash < 0) throw new ModelNameError(`model "${name}": no provider; expected "<provider>/<model>"`);
    const provider = text.slice(0, slash);
    const rest = text.slice(slash + 1);
    if (provider === 'openai-compatible') {
      // Model ids may contain "@" or "/" (e.g. Qwen/Qwen2.5-Coder@fp8); the URL starts at the "@http".
      const at = rest.search(/@https?:\/\//);
      if (at < 0)
        throw new ModelNameError(
          `model "${name}": openai-compatible needs a base URL, as openai-compatible/<model>@http://host:port/v1`,
        );
      raw = { provider, model: rest.slice(0, at), baseURL: rest.slice(at + 1) };
    } else raw = { provider, model: rest };
  }
  const parsed = ModelName.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const part = issue?.path[0];
  if (part === 'provider') {
    throw new ModelNameError(
      `model "${name}": unknown provider "${raw.provider}" (known: anthropic, openai, openai-compatible, offline, scripted, replay)`,
    );
  }
  throw new ModelNameError(
    `model "${name}": ${issue?.message ?? 'invalid'}${part === 'model' || part === 'baseURL' ? ` (got "${raw[part]}")` : ''}`,
  );
}

/** The offline model's own knobs a genome can set in its model name (`offline?candidates=8&seed=3`). */
export const OFFLINE_PARAMS = {
  candidates: 'edits tried in one function before moving to the next (depth against breadth)',
  seed: 'orders equally ranked candidate edits; each repeat adds its index',
} as const;

function offlineParams(name: string, query: string): { params?: Record<string, number> } {
  if (query === '' || query === 'offline') return {};
  const params: Record<string, number> = {};
  for (const pair of query.split('&')) {
    const [key = '', value = ''] = pair.split('=');
    if (!(key in OFFLINE_PARAMS))
      throw new ModelNameError(
        `model "${name}": offline has no parameter "${key}" (known: ${Object.keys(OFFLINE_PARAMS).join(', ')})`,
      );
    const n = Number(value);
    if (value.trim() === '' || !Number.isInteger(n) || n < (key === 'seed' ? 0 : 1))
      throw new ModelNameError(
        `model "${name}": offline parameter ${key} must be a ${key === 'seed' ? 'non-negative' : 'positive'} integer (got "${value}")`,
      );
    params[key] = n;
  }
  return { params };
}

/** The model name with offline params set (other models are returned unchanged). */
export function withOfflineParams(name: string, params: Record<string, number>): string {
  const parsed = parseModelName(name);
  if (parsed.provider !== 'offline') return name;
  const merged = { ...parsed.params, ...params };
  const query = Object.keys(merged)
    .sort()
    .map((k) => `${k}=${merged[k]}`)
    .join('&');
  return query ? `offline?${query}` : 'offline';
}

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

export async function createModel(name: string, options: CreateModelOptions = {}): Promise<Model> {
  const parsed = parseModelName(name);
  const env = options.env ?? process.env;
  const policy: Partial<RetryPolicy> = {
    ...options.retry,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  };
  if (options.maxRetries !== undefined) policy.maxRetries = options.maxRetries;
  const withRetries = (model: Model) => new RetryingModel(model, policy, options.retryDeps);
  const timeoutMs = policy.timeoutMs;

  switch (parsed.provider) {
    case 'anthropic':
      return withRetries(
        new AnthropicModel({
          modelId: parsed.model,
          apiKey: requireKey(env, 'ANTHROPIC_API_KEY', name),
          baseURL: env.ANTHROPIC_BASE_URL || 'https://api.anthropic.com',
          timeoutMs,
          cache: options.cache,
        }),
      );
    case 'openai':
      return withRetries(
        new OpenAIModel({
          provider: 'openai',
          modelId: parsed.model,
          apiKey: requireKey(env, 'OPENAI_API_KEY', name),
          baseURL: env.OPENAI_BASE_URL || 'https://api.openai.com/v1',
          timeoutMs,
          keyVariable: 'OPENAI_API_KEY',
        }),
      );
    case 'openai-compatible':
      return withRetries(
        new OpenAIModel({
          provider: 'openai-compatible',
          modelId: parsed.model,
          // Local servers usually want no key; the SDK insists on one, and a placeholder is harmless.
          apiKey: env.OPENAI_COMPATIBLE_API_KEY || 'not-needed',
          baseURL: parsed.baseURL,
          timeoutMs,
          keyVariable: 'OPENAI_COMPATIBLE_API_KEY',
        }),
      );
    case 'offline':
      return createOffline({ ...options.offline, ...parsed.params });
    case 'scripted':
      return new ScriptedModel(options.script ?? []);
    case 'replay':
      return createReplayModel(parsed.path);
  }
}

function requireKey(env: Record<string, string | undefined>, variable: string, name: string): string {
  const key = env[variable];
  if (key) return key;
  throw new ModelError('auth', `model "${name}" needs ${variable}, which is not set`, undefined, false, {
    hint: `Export ${variable}, or run with --model offline to work without a key.`,
  });
}

async function createOffline(params: Record<string, unknown> | undefined): Promise<Model> {
  // Imported lazily: only runs that ask for `offline` load the search strategy.
  const { createOfflineModel } = await import('./offline.js');
  return createOfflineModel(params);
}
