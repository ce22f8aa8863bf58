import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { now, openDatabase } from '../open.js';
import { nextGenerationId, patchGenerationConfig, readGenerationConfig, runningGeneration } from './generations.js';

// Real SQLite, a fresh database per test.
async function db() {
  const d = await openDatabase(join(mkdtempSync(join(tmpdir(), 'evolve-gen-repo-')), 'evolve.db'), { create: true });
  await d
    .insertInto('experiments')
    .values({
      id: 'exp-01',
      parent_id: null,
      generation: 0,
      status: 'champion',
      genome: '{}',
      genome_hash: 'h',
      change: '{}',
      change_summary: 'root',
      hypothesis: '',
      proposer: 'person',
      flags: '[]',
      created_at: now(),
    } as never)
    .execute();
  return d;
}

const row = (id: number, status: 'running' | 'done', config: string) => ({
  id,
  parent_id: 'exp-01',
  proposer: 'systematic',
  selector: 'champion',
  rule: 'paired',
  seed: 1,
  status,
  config,
  started_at: now(),
  finished_at: null,
});

describe('generations repository', () => {
  it('reads configs through the schema, merges patches keeping other writers’ keys, finds the running one', async () => {
    const d = await db();
    expect(await nextGenerationId(d)).toBe(1);
    await d
      .insertInto('generations')
      .values(row(1, 'done', '{"children":["exp-02-a"]}'))
      .execute();
    await d
      .insertInto('generations')
      .values(row(2, 'running', '{"champion":"exp-01","evidence":{"rounds":1}}'))
      .execute();
    expect(await nextGenerationId(d)).toBe(3);
    expect((await runningGeneration(d))?.id).toBe(2);
    const next = await patchGenerationConfig(d, 2, { children: ['exp-03-a'], proposed: true });
    expect(next).toMatchObject({ champion: 'exp-01', children: ['exp-03-a'], proposed: true, evidence: { rounds: 1 } });
    const stored = await d.selectFrom('generations').select('config').where('id', '=', 2).executeTakeFirstOrThrow();
    expect(readGenerationConfig(stored.config, 2)).toEqual(next);
    await d.destroy();
  });

  it('a broken config names the generation and the field instead of flowing on as a cast', () => {
    expect(readGenerationConfig('{}').children).toEqual([]);
    expect(() => readGenerationConfig('{"children":"exp-02-a"}', 7)).toThrow(/generation 7: config field children/);
    expect(() => readGenerationConfig('not json', 7)).toThrow('generation 7: its config is not JSON');
  });
});
