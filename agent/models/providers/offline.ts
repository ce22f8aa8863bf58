import { ModelNameError, type ModelProvider } from '../provider.js';

/** The offline model's own knobs a genome can set in its model name (`offline?candidates=8&seed=3`). */
export const OFFLINE_PARAMS = {
  candidates: 'edits tried in one function before moving to the next (depth against breadth)',
  seed: 'orders equally ranked candidate edits; each repeat adds its index',
} as const;

function offlineParams(name: string, query: string): Record<string, number> {
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
  return params;
}

/** A deterministic repair strategy behind the Model interface: the whole loop runs with no key and no network. */
export const offline: ModelProvider<{ provider: 'offline'; params?: Record<string, number> }> = {
  name: 'offline',
  usage: 'offline[?candidates=N&seed=S]',
  prices: 'free',
  // It searches for edits to Python code; it cannot write a proposal or a code change on request.
  canPropose: false,
  remote: false,
  deterministic: true,
  parse: (rest, name) => (rest ? { provider: 'offline', params: offlineParams(name, rest) } : { provider: 'offline' }),
  create: async (parsed, _name, options) => {
    // Imported lazily: only runs that ask for `offline` load the search strategy.
    const { createOfflineModel } = await import('../offline.js');
    return createOfflineModel({ ...options.offline, ...parsed.params });
  },
};
