import { randomBytes } from 'node:crypto';
import Docker from 'dockerode';
import { afterAll, describe, expect, it } from 'vitest';
import { describeDocker } from '../../test/docker.js';
import { SandboxError } from '../sandbox/errors.js';
import type { ImageRecipe } from '../sandbox/types.js';
import { BASE_IMAGE } from './base.js';
import { ensureImageDetailed } from './build.js';
import { listImages, pruneImages } from './manage.js';
import { pythonEnvRecipe } from './python-env.js';
import { imageTag, recipeHash } from './recipe.js';

describe('image recipes', () => {
  const base: ImageRecipe = { name: 'env-x', dockerfile: `FROM ${BASE_IMAGE}\nRUN true\n` };
  it('are named by a hash of dockerfile, files and parent', () => {
    expect(imageTag(base)).toMatch(/^evolve\/env-x:[0-9a-f]{12}$/);
    expect(recipeHash({ ...base })).toBe(recipeHash(base));
    expect(recipeHash({ ...base, dockerfile: base.dockerfile + '\n' })).not.toBe(recipeHash(base));
    expect(recipeHash({ ...base, files: { a: '1' } })).not.toBe(recipeHash({ ...base, files: { a: '2' } }));
    const child = (parent: ImageRecipe): ImageRecipe => ({
      name: 'task',
      dockerfile: 'ARG PARENT_IMAGE\nFROM $PARENT_IMAGE\n',
      parent,
    });
    expect(recipeHash(child(base))).not.toBe(recipeHash(child({ ...base, dockerfile: 'FROM other' })));
    expect(imageTag(pythonEnvRecipe())).toBe(imageTag(pythonEnvRecipe()));
  });
});

describeDocker('image cache (Docker)', () => {
  const docker = new Docker();
  const owner = `images-test-${process.pid}`;
  const labels = { 'evolve.test': owner };
  afterAll(async () => {
    await pruneImages({ docker, label: `evolve.test=${owner}` });
  });

  it('builds a layered recipe once (parents first) and reuses it', async () => {
    const nonce = randomBytes(6).toString('hex');
    const env: ImageRecipe = { name: 'test-env', dockerfile: `FROM ${BASE_IMAGE}\nRUN echo ${nonce} > /env.txt\n` };
    const task: ImageRecipe = {
      name: 'test-task',
      dockerfile: 'ARG PARENT_IMAGE\nFROM $PARENT_IMAGE\nCOPY hello.txt run.sh /\nRUN /run.sh\n',
      files: { 'hello.txt': 'hi', 'run.sh': '#!/bin/sh\ncat /env.txt /hello.txt\n' },
      parent: env,
    };
    const progress: string[] = [];
    const first = await ensureImageDetailed(task, { docker, labels, onProgress: (l) => progress.push(l) });
    expect(first).toEqual({ tag: imageTag(task), built: true });
    expect(progress.some((l) => l.startsWith(`building ${imageTag(env)}`))).toBe(true);
    const [again, concurrent] = await Promise.all([
      ensureImageDetailed(task, { docker, labels }),
      ensureImageDetailed(task, { docker, labels }),
    ]);
    expect(again.built).toBe(false);
    expect(concurrent.built).toBe(false);
    const listed = await listImages({ docker });
    expect(listed.map((i) => i.tag)).toEqual(expect.arrayContaining([imageTag(env), imageTag(task)]));
  });

  it('names the failing step and shows the log tail when a build fails', async () => {
    const bad: ImageRecipe = {
      name: 'test-bad',
      dockerfile: `FROM ${BASE_IMAGE}\nRUN echo about-to-fail-${randomBytes(4).toString('hex')} && exit 7\n`,
    };
    const err = await ensureImageDetailed(bad, { docker, labels }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SandboxError);
    expect(err).toMatchObject({ kind: 'build_failed' });
    expect((err as Error).message).toMatch(/Step 2\/\d+ : RUN echo about-to-fail/);
    expect((err as Error).message).toMatch(/returned a non-zero code: 7/);
    expect((err as SandboxError).hint).toBeTruthy();
  });
});
