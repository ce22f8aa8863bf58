import type { ModelProvider } from '../provider.js';
import { ScriptedModel } from '../scripted.js';

/** A test double: answers from the script it is given, one entry per call. */
export const scripted: ModelProvider<{ provider: 'scripted' }> = {
  name: 'scripted',
  usage: 'scripted',
  prices: 'free',
  canPropose: true,
  remote: false,
  parse: () => ({ provider: 'scripted' }),
  create: async (_parsed, _name, options) => new ScriptedModel(options.script ?? []),
};
