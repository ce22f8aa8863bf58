import { describe, expect, it } from 'vitest';
import { canWriteProposals, modelProvider, parseModelName } from '../registry.js';
import { MODEL_PROVIDERS } from './index.js';

// A provider is one file and one line in providers/index.ts: everything else (names, hints, keys, prices,
// capabilities) is read from the registry, so these hold for any provider added there.
describe('model provider registry', () => {
  it('each provider has its own name and reads the name its usage shows', () => {
    expect(new Set(MODEL_PROVIDERS.map((p) => p.name)).size).toBe(MODEL_PROVIDERS.length);
    const example: Record<string, string> = {
      '<model>': 'm-1',
      '<baseURL>': 'http://localhost:8000/v1',
      '<trajectory.jsonl>': 'r/trajectory.jsonl',
      '[?candidates=N&seed=S]': '?candidates=2&seed=1',
    };
    for (const p of MODEL_PROVIDERS) {
      const name = Object.entries(example).reduce((s, [k, v]) => s.replace(k, v), p.usage);
      expect(parseModelName(name).provider).toBe(p.name);
      expect(modelProvider(name)).toBe(p);
    }
  });

  it('an unknown provider is refused naming every known one, with each one’s form as the hint', () => {
    let error: (Error & { hint?: string }) | undefined;
    try {
      parseModelName('gemini/flash');
    } catch (e) {
      error = e as Error;
    }
    for (const p of MODEL_PROVIDERS) {
      expect(error?.message).toContain(p.name);
      expect(error?.hint).toContain(p.usage);
    }
  });

  it('whether a model can write proposals is its provider’s answer', () => {
    expect(canWriteProposals('offline?seed=2')).toBe(false);
    expect(canWriteProposals('replay:/tmp/x.jsonl')).toBe(false);
    expect(canWriteProposals('anthropic/claude-haiku-4-5')).toBe(true);
    expect(canWriteProposals('openai-compatible/q@http://h:1/v1')).toBe(true);
  });
});
