import { describe, expect, it } from 'vitest';
import { Config } from './config.js';
import { PROPOSER_REGISTRY, PROPOSERS, proposerNamed } from './proposer-registry.js';

describe('proposer registry', () => {
  it('every registered proposer loads, and evolve.json accepts exactly the registered names', async () => {
    for (const name of PROPOSERS) expect(typeof (await proposerNamed(name)).propose).toBe('function');
    expect(PROPOSERS).toEqual(Object.keys(PROPOSER_REGISTRY));
    for (const name of PROPOSERS) expect(Config.parse({ lineage: { proposer: name } }).lineage.proposer).toBe(name);
    expect(() => Config.parse({ lineage: { proposer: 'oracle' } })).toThrow(/not a known proposer/);
  });
});
