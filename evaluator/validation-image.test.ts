import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { loadSuite } from '../tasks/suite.js';
import { BASE_IMAGE } from './images/base.js';
import { BaseChooser } from './images/base-choice.js';
import { pythonEnvRecipe } from './images/python-env.js';
import { imageTag } from './images/recipe.js';
import { validationImages } from './validation-image.js';

// The image identity a validation record holds. The engine is a stand-in answering image lookups (what an image's
// registry digests are); the built-in suite's tasks build on evolve's own recipes, so no other call reaches it.

const engine = (digests: Record<string, string[]>) => {
  const asked: string[] = [];
  const docker = {
    getImage: (name: string) => ({
      inspect: async () => {
        asked.push(name);
        if (!(name in digests)) throw Object.assign(new Error(`no such image: ${name}`), { statusCode: 404 });
        return { RepoDigests: digests[name] };
      },
    }),
  } as unknown as Docker;
  return { docker, asked };
};

describe('validation image identity', () => {
  const suite = loadSuite('builtin');
  const swe = suite.tasks.find((t) => t.id === 'cachet__cachet-2')!;
  const tb = suite.tasks.find((t) => t.id === 'csv-report-2')!;

  it("a built-in task's image is its recipe and the base it starts from, by name when the base has no digest", async () => {
    const { docker, asked } = engine({ [BASE_IMAGE]: [] });
    const ids = await validationImages([swe, tb], { sandbox: 'docker', docker });
    expect(ids.get(swe.id)).toBe(`${imageTag(pythonEnvRecipe())} from ${BASE_IMAGE}`);
    expect(ids.get(tb.id)).toMatch(new RegExp(`^evolve/task-csv-report-2:[0-9a-f]{12} from ${BASE_IMAGE}$`));
    expect(asked).toEqual([BASE_IMAGE]); // looked up once for both tasks
    // An engine without the base says the same: the name is all that means the same on another machine.
    expect((await validationImages([swe], { sandbox: 'docker', docker: engine({}).docker })).get(swe.id)).toBe(
      ids.get(swe.id),
    );
  });

  it('a base with a registry digest counts by it, so another image behind the same tag is another identity', async () => {
    const a = await validationImages([swe], {
      sandbox: 'docker',
      docker: engine({ [BASE_IMAGE]: [`evolve/base@sha256:${'a'.repeat(64)}`] }).docker,
    });
    const b = await validationImages([swe], {
      sandbox: 'docker',
      docker: engine({ [BASE_IMAGE]: [`evolve/base@sha256:${'b'.repeat(64)}`] }).docker,
    });
    expect(a.get(swe.id)).toMatch(/ from evolve\/base@sha256:a{64}$/);
    expect(b.get(swe.id)).not.toBe(a.get(swe.id));
  });

  it("another stand-in recipe for the task's image (evolve.json images.bases) is another identity", async () => {
    const { docker } = engine({});
    const dir = mkdtempSync(join(tmpdir(), 'evolve-validation-image-'));
    writeFileSync(join(dir, 'Dockerfile'), `FROM ${BASE_IMAGE}\nRUN apt-get update && apt-get install -y python3\n`);
    const images = { bases: { 'evolve/python-env*': join(dir, 'Dockerfile') } };
    const builtIn = (await validationImages([swe], { sandbox: 'docker', docker })).get(swe.id);
    const other = (await validationImages([swe], { sandbox: 'docker', docker, images })).get(swe.id);
    expect(other).toMatch(/^evolve\/stand-in-custom:[0-9a-f]{12} from evolve\/base:bookworm$/);
    expect(other).not.toBe(builtIn);
  });

  it('keys on the base a run would use without pulling: evolve aliases stand in, a present image is used', async () => {
    const { docker, asked } = engine({ 'python:3.11': [] });
    const chooser = new BaseChooser({ bases: {}, pull: 'never' }, docker);
    expect(await chooser.withoutPull('evolve/python-env')).toMatchObject({ used: 'stand-in' });
    expect(asked).toEqual([]); // evolve's own aliases name recipes: the engine is not asked
    expect(await chooser.withoutPull('python:3.11')).toMatchObject({ used: 'present' });
    expect(await chooser.withoutPull('python:3.12-slim')).toMatchObject({
      used: 'stand-in',
      mapping: { recipe: 'python' },
    });
    expect(await chooser.withoutPull('example/unmapped:1')).toEqual({ from: 'example/unmapped:1', used: 'as-named' });
    // choose() decides the same where no pull is allowed.
    expect(await chooser.choose('python:3.12-slim')).toEqual(await chooser.withoutPull('python:3.12-slim'));
  });

  it('a sandbox that builds no image validates on the host', async () => {
    const ids = await validationImages([swe, tb], { sandbox: 'local' });
    expect([...ids.values()]).toEqual(['host (local sandbox)', 'host (local sandbox)']);
  });
});
