import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { Genome, POLICY_SLOTS } from '../genome.js';
import { testGenome } from '../testing/fixtures.js';
import { listPolicies, PolicyError, resolvePolicies } from './registry.js';

describe('policy registry', () => {
  it('registers the required policies in every slot', () => {
    const names = Object.fromEntries(POLICY_SLOTS.map((slot) => [slot, listPolicies(slot).map((p) => p.name)]));
    expect(names).toEqual({
      planning: ['none', 'plan-first', 'replan'],
      tools: ['bash-only', 'editor', 'search'],
      memory: ['full', 'window', 'summarize', 'notes'],
      prompt: ['terse', 'detailed', 'example'],
    });
  });

  it('gives defaults that validate, and param steps that validate (a step may equal the default: proposers skip the current value)', () => {
    for (const slot of POLICY_SLOTS) {
      for (const info of listPolicies(slot)) {
        expect(info.slot).toBe(slot);
        expect(info.description.length).toBeGreaterThan(10);
        expect(info.params.parse({})).toEqual(info.defaults);
        const parsed = info.paramSteps.map((step) => info.params.parse(step));
        if (parsed.length > 0)
          expect(
            parsed.some((p) => JSON.stringify(p) !== JSON.stringify(info.defaults)),
            `${slot}/${info.name}`,
          ).toBe(true);
      }
    }
    expect(listPolicies('memory').find((p) => p.name === 'window')!.paramSteps).toEqual([
      { turns: 4 },
      { turns: 8 },
      { turns: 16 },
    ]);
  });

  it('resolves a genome, filling in default params', () => {
    const resolved = resolvePolicies(testGenome({ memory: { name: 'window', params: { turns: 4 } } }));
    expect(resolved.memory.params).toEqual({ turns: 4 });
    expect(resolved.tools.params).toEqual({ timeoutSec: 120, maxOutputChars: 10_000 });
  });

  it('names the slot, the policy and the field in its errors', () => {
    const attempt = (genome: Genome) => {
      try {
        resolvePolicies(genome);
      } catch (error) {
        return error as PolicyError;
      }
      throw new Error('expected a PolicyError');
    };
    const unknown = attempt(testGenome({ planning: { name: 'think-hard' } }));
    expect(unknown).toBeInstanceOf(PolicyError);
    expect(unknown).toMatchObject({ slot: 'planning', policy: 'think-hard', field: undefined });
    expect(unknown.message).toContain('known: none, plan-first, replan');
    const badType = attempt(testGenome({ memory: { name: 'window', params: { turns: 'eight' } } }));
    expect(badType).toMatchObject({ slot: 'memory', policy: 'window', field: 'turns' });
    expect(badType.message).toMatch(/^genome.memory \(window\): params.turns /);
    const extra = attempt(testGenome({ tools: { name: 'editor', params: { maxMatches: 5 } } }));
    expect(extra).toMatchObject({ slot: 'tools', policy: 'editor', field: 'maxMatches' });
    const skill = attempt(testGenome({ prompt: { name: 'terse', params: { skills: ['no-such-skill'] } } }));
    expect(skill.message).toContain('agent/prompts/skills/no-such-skill.md');
  });

  it('accepts the baseline genome shipped as experiments/exp-01', () => {
    const genome = Genome.parse(
      JSON.parse(readFileSync(new URL('../../experiments/exp-01/genome.json', import.meta.url), 'utf8')),
    );
    expect(genome).toMatchObject({
      model: 'offline',
      planning: { name: 'none' },
      tools: { name: 'editor' },
      memory: { name: 'full' },
      prompt: { name: 'detailed' },
      budgets: { steps: 30, wallClockSec: 600 },
    });
    expect(() => resolvePolicies(genome)).not.toThrow();
  });
});
