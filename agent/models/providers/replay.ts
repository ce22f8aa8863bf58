import { ModelNameError, type ModelProvider } from '../provider.js';
import { createReplayModel } from '../replay.js';

/** A recorded run's model replies, in order (`replay:<trajectory.jsonl>`). */
export const replay: ModelProvider<{ provider: 'replay'; path: string }> = {
  name: 'replay',
  usage: 'replay:<trajectory.jsonl>',
  prices: 'free',
  // It can only say what was said before.
  canPropose: false,
  remote: false,
  deterministic: true,
  parse: (rest, name) => {
    if (!rest) throw new ModelNameError(`model "${name}": the trajectory path after "replay:" is empty`);
    return { provider: 'replay', path: rest };
  },
  create: async (parsed) => createReplayModel(parsed.path),
};
