import { afterEach, describe, expect, it } from 'vitest';
import { decideGeneration } from './decide-generation.js';
import { baselineGenome, insertChild } from './experiments.js';
import { writeExperimentFolder } from './folders.js';
import { repairWorkspace } from './self-repair/testing.js';
import { addRuns, addTasks } from './testing/add-runs.js';
import type { Workspace } from './workspace.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getExperiment } from './db/repos/experiments.js';

// The A/A noise floor beside every decision: the champion's spread between its own repeats on the compared tasks, in
// the decision's reason and details, the experiment folder and the generation's summary; named as not measured (with
// the command that measures it) when the champion ran each task once.

let ws: Workspace | undefined;
afterEach(async () => {
  await ws?.close();
  ws = undefined;
});

const TRAIN = Array.from({ length: 10 }, (_, i) => `mini__t-${i + 1}`);
const n = (t: string) => Number(t.split('-').pop());

async function generation(championRepeats: number) {
  const w = await repairWorkspace();
  await addTasks(w, TRAIN, 'train');
  const root = await getExperiment(w.db, 'exp-01');
  const kids: string[] = [];
  for (const steps of [45, 20]) {
    const kid = await insertChild(w.db, {
      parent: root,
      genome: { ...baselineGenome(), model: 'scripted', budgets: { ...baselineGenome().budgets, steps } },
      hypothesis: `steps ${steps}`,
      proposer: 'systematic',
      generation: 1,
    });
    kids.push(kid.id);
  }
  // exp-01: t-1..3 always, t-4 and t-5 in alternate repeats (flaky); child a: t-1..8; child b: t-1 only.
  await addRuns(
    w,
    'exp-01',
    'train',
    TRAIN,
    championRepeats,
    (t, r) => n(t) <= 3 || (n(t) === 4 && r === 0) || (n(t) === 5 && r === 1),
  );
  await addRuns(w, kids[0]!, 'train', TRAIN, 1, (t) => n(t) <= 8);
  await addRuns(w, kids[1]!, 'train', TRAIN, 1, (t) => n(t) === 1);
  return { w, kids };
}

const decide = (w: Workspace, kids: string[]) =>
  decideGeneration(w.db, {
    champion: 'exp-01',
    children: kids,
    rule: 'paired-significant',
    margin: 0,
    exploreEvery: 0,
    split: 'train',
    generation: 1,
    log: () => {},
  });

describe('noise floor in decisions', () => {
  it("states the champion's A/A floor and whether each child's difference is beyond it", async () => {
    const { w, kids } = await generation(2);
    ws = w;
    const r = await decide(w, kids);
    // Two single-repeat evaluations of exp-01 score 40% each, with t-4 and t-5 flipping: floor from the flip rates.
    expect(r.reason).toMatch(
      /A\/A noise floor \d+\.\d points \(exp-01 over 10 tasks x 2 repeats\); this difference \(\+40\.0 points\) is beyond it/,
    );
    const rows = await w.db
      .selectFrom('decisions')
      .select(['experiment_id', 'reason', 'details'])
      .orderBy('id')
      .execute();
    const b = rows.find((d) => d.experiment_id === kids[1])!;
    expect(b.reason).toMatch(
      /A\/A noise floor \d+\.\d points \(exp-01 over 10 tasks x 2 repeats\); this difference \(-\d+\.\d points\) is/,
    );
    const details = JSON.parse(rows.find((d) => d.experiment_id === kids[0])!.details ?? '{}') as {
      noise: { floor: number; tasks: number; repeats: number; deterministic: boolean };
    };
    expect(details.noise).toMatchObject({ tasks: 10, repeats: 2, deterministic: false });
    expect(details.noise.floor).toBeGreaterThan(0.1);
    expect(details.noise.floor).toBeLessThan(0.45);
    await writeExperimentFolder(w.db, w.paths.experiments, kids[0]!);
    expect(readFileSync(join(w.paths.experiments, kids[0]!, 'README.md'), 'utf8')).toContain('A/A noise floor');
  });

  it('says the floor is not measured, and how to measure it, when the champion ran each task once', async () => {
    const { w, kids } = await generation(1);
    ws = w;
    const r = await decide(w, kids);
    expect(r.reason).toContain(
      'A/A noise floor not measured (exp-01 has one run per task here; `evolve noise exp-01` measures it)',
    );
  });
});
