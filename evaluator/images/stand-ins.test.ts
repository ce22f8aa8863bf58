import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSuite } from '../../tasks/suite.js';
import { taskSandboxSpec } from '../task-image.js';
import { findBase, ImagesConfig, standInRecipe } from './stand-ins.js';

describe('task sandboxes', () => {
  it('a task needing docker-compose services besides its own container is refused with the reason', () => {
    const [task] = loadSuite(
      join(import.meta.dirname, '..', '..', 'tasks', 'fixtures', 'published', 'tb-root-only'),
    ).tasks;
    expect(taskSandboxSpec(task!, {}).user).toBe('root');
    const sidecar = { ...task!, environment: { ...task!.environment, services: ['redis'] } };
    expect(() => taskSandboxSpec(sidecar, {})).toThrow(/needs the docker-compose services redis/);
  });
});

describe('base image stand-ins', () => {
  it('map the published Terminal-Bench bases in any tag form, and nothing else', () => {
    const recipe = (image: string) => findBase(image)?.recipe;
    for (const image of [
      'python:3.12.7-slim-bookworm',
      'python:3.13',
      'python:3.11-slim',
      'python:3.10-bookworm',
      'ghcr.io/laude-institute/t-bench/python-3-13:20250620',
      'ghcr.io/laude-institute/t-bench/python-3-13:latest',
    ])
      expect(recipe(image), image).toBe('python');
    for (const image of [
      'ubuntu:24.04',
      'ubuntu:22.04',
      'ubuntu:noble-20250404',
      'ghcr.io/laude-institute/t-bench/ubuntu-24-04:20250624',
      'ghcr.io/laude-institute/t-bench/ubuntu-24-04:latest',
    ])
      expect(recipe(image), image).toBe('ubuntu');
    expect(recipe('evolve/python-env')).toBe('python-env');
    expect(recipe('node:20')).toBeUndefined();
    expect(recipe('python:2.7')).toBeUndefined();
    expect(recipe('ubuntu:18.04')).toBeUndefined();
  });

  it('take the workspace mapping first, a recipe being a stand-in name or a Dockerfile path', () => {
    const root = mkdtempSync(join(tmpdir(), 'evolve-standins-'));
    writeFileSync(join(root, 'node.Dockerfile'), 'FROM evolve/base:bookworm\nRUN apt-get update\n');
    const images = ImagesConfig.parse({
      bases: { 'node:2*': 'node.Dockerfile', 'python:3.12*': 'ubuntu' },
      pull: 'never',
    });
    expect(images.pull).toBe('never');
    expect(findBase('python:3.12.7-slim-bookworm', images.bases)).toEqual({
      pattern: 'python:3.12*',
      recipe: 'ubuntu',
    });
    expect(findBase('python:3.13', images.bases)?.recipe).toBe('python');
    const node = findBase('node:20-bookworm', images.bases)!;
    expect(standInRecipe(node, root).dockerfile).toContain('RUN apt-get update');
    expect(() => standInRecipe({ pattern: 'x*', recipe: 'missing.Dockerfile' }, root)).toThrow(
      /images\.bases\["x\*"\]: "missing\.Dockerfile" is neither a known stand-in .* nor a Dockerfile/,
    );
    expect(() => ImagesConfig.parse({ pull: 'sometimes' })).toThrow();
  });

  it('stand-ins give what tasks rely on: python and pip commands, WORKDIR /app, bash and common tools', () => {
    for (const name of ['python', 'ubuntu']) {
      const d = standInRecipe({ pattern: '*', recipe: name }).dockerfile;
      for (const needed of [
        'python-is-python3',
        'python3-pip',
        'python3-pytest',
        'bash',
        'curl',
        'git',
        'procps',
        'tmux',
      ])
        expect(d, `${name} has ${needed}`).toContain(needed);
      expect(d).toMatch(/^WORKDIR \/app$/m);
    }
  });
});
