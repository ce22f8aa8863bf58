import { describe, expect, it } from 'vitest';
import { diffGenomes, formatChoice } from './genome-diff.js';
import { testGenome } from './testing/fixtures.js';

describe('diffGenomes', () => {
  it('is empty for equal genomes (defaults filled in)', () => {
    expect(diffGenomes(testGenome(), testGenome({ tools: { name: 'editor', params: {} } }))).toEqual([]);
  });

  it('names the slot that changed, with params', () => {
    const a = testGenome();
    const b = testGenome({ memory: { name: 'window', params: { turns: 8 } } });
    expect(diffGenomes(a, b).map((c) => c.text)).toEqual(['memory: full -> window{turns:8}']);
    expect(diffGenomes(b, testGenome({ memory: { name: 'window', params: { turns: 16 } } }))[0]).toMatchObject({
      path: 'memory',
      text: 'memory: window{turns:8} -> window{turns:16}',
    });
  });

  it('lists model and budget changes, one per field, in a stable order', () => {
    const a = testGenome({ model: 'offline', budgets: { steps: 40, wallClockSec: 900 } });
    const b = testGenome({
      model: 'openai/gpt-5',
      prompt: { name: 'terse' },
      budgets: { steps: 60, dollars: 2, wallClockSec: 900 },
    });
    expect(diffGenomes(a, b).map((c) => c.text)).toEqual([
      'model: offline -> openai/gpt-5',
      'prompt: detailed -> terse',
      'budgets.dollars: (unset) -> 2',
      'budgets.steps: 40 -> 60',
    ]);
  });

  it('formats params key-sorted', () => {
    expect(formatChoice({ name: 'replan', params: { onTestFailure: false, everySteps: 5 } })).toBe(
      'replan{everySteps:5,onTestFailure:false}',
    );
    expect(formatChoice({ name: 'prompt', params: { skills: ['a-b'] } })).toBe('prompt{skills:["a-b"]}');
  });
});
