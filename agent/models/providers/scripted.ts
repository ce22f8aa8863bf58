import type { ModelProvider } from '../provider.js';
import { ScriptedModel } from '../scripted.js';

/** A test double: answers from the script it is given, one entry per call. */
export const scripted: ModelProvider<{ provider: 'scripted' }> = {
  name: 'scripted',
  usage: 'scripted',
  prices: 'free',
  canPropose: true,
  remote: false,
  // A script stands in for a real (sampling) model in tests: not declared deterministic, so the lineage treats it as
  // stochastic unless its repeats show otherwise.
  deterministic: false,
  parse: () => ({ provider: 'scripted' }),
  create: async (_parsed, _name, options) => new ScriptedModel(options.script ?? []),
};
