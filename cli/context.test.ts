// vitest project: postgres too
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './testing/run-cli.js';

// `evolve context` and the lineage flags, through main(argv).
const evolve = runCli;

describe('evolve context', () => {
  it('prints the champion context as text and JSON; an unknown id, rule or config name is an error naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'evolve-cli-context-'));
    expect((await evolve(['init', 'lab'], dir)).code).toBe(0);
    const lab = join(dir, 'lab');
    const text = await evolve(['context'], lab);
    expect(text.code, text.err).toBe(0);
    expect(text.out).toMatch(
      /Context for exp-01 \(champion\)[\s\S]*Tried from exp-01: nothing yet[\s\S]*Confirmed mechanisms: none/,
    );
    const json = JSON.parse((await evolve(['context', 'exp-01', '--json'], lab)).out) as {
      parent: { id: string };
      tried: unknown[];
    };
    expect([json.parent.id, json.tried]).toEqual(['exp-01', []]);
    const missing = await evolve(['context', 'exp-77'], lab);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/no experiment exp-77/);
    const rule = await evolve(['next-generation', '--rule', 'vibes'], lab);
    expect(rule.code).not.toBe(0);
    expect(rule.err).toMatch(
      /--rule vibes: expected one of paired-significant, mean, lower-bound, pareto, lexicographic/,
    );
    const mode = await evolve(['run', '--generations', '1', '--author', 'champion', '--author-mode', 'prose'], lab);
    expect(mode.code).not.toBe(0);
    expect(mode.err).toMatch(/--author-mode prose: expected one of code, genome/);
    const who = await evolve(['next-generation', '--author', 'person'], lab);
    expect(who.err).toMatch(/--author person: expected one of champion/);
    // Authorship: the root was written by a person, as `evolve tree` says.
    expect((await evolve(['tree'], lab)).out).toMatch(/exp-01 .*\[by person \(evolve init\)\]/);
    writeFileSync(join(lab, 'evolve.json'), JSON.stringify({ version: 1, lineage: { proposer: 'oracle' } }));
    const bad = await evolve(['context'], lab);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/lineage\.proposer: "oracle" is not a known proposer/);
  });
});
