import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Config } from '../lineage/config.js';
import { SweConfig, sweSources } from './swebench-env.js';
import { instanceToTask, SweInstance } from './swebench.js';

const row = SweInstance.parse({
  instance_id: 'psf__requests-2317',
  repo: 'psf/requests',
  version: '2.4',
  base_commit: '091991be0da19de9108dbe5e3752917fea3d7fdc',
  test_patch: 'diff --git a/test_requests.py b/test_requests.py\n',
  problem_statement: 'method = builtin_str(method) problem',
  FAIL_TO_PASS: ['test_requests.py::RequestsTestCase::test_HTTP_200_OK_GET_ALTERNATIVE'],
});

describe('where a SWE-bench instance gets its environment', () => {
  it("by default upstream's instance image, with the two other ways named for when it cannot be had", () => {
    const task = instanceToTask(row, 'lite');
    expect(task.environment.image).toBe('swebench/sweb.eval.x86_64.psf_1776_requests-2317');
    expect(task.workspace).toEqual({ kind: 'image' });
    expect(task.environment.missingImageHelp).toContain('Give the row an "image"');
    expect(task.environment.missingImageHelp).toContain('"environments": {"psf/requests@2.4": {"dockerfile"');
    expect(task.limits.testTimeoutSec).toBe(1800); // upstream's run_evaluation --timeout
  });

  it("the row's image wins over evolve.json; evolve.json's over upstream's", () => {
    const sources = { environments: { 'psf/requests': { image: 'acme/requests-env' } } };
    expect(instanceToTask({ ...row, image: 'mine:1' }, 'lite', sources).environment.image).toBe('mine:1');
    const task = instanceToTask(row, 'lite', sources);
    expect(task.environment).toMatchObject({ image: 'acme/requests-env' });
    expect(task.environment.missingImageHelp).toBeUndefined();
  });

  it('a recipe builds per instance with the repository at base_commit; repo@version beats repo; its test command and parser apply', () => {
    const root = mkdtempSync(join(tmpdir(), 'evolve-swe-env-'));
    writeFileSync(join(root, 'requests.Dockerfile'), 'FROM python:3.9\nADD repo.tar /testbed/\n');
    const config = SweConfig.parse({
      repos: { 'psf/requests': 'mirrors/requests' },
      environments: {
        'psf/requests@2.4': { dockerfile: 'requests.Dockerfile', testCommand: 'pytest -rA test_requests.py' },
        'psf/requests': { image: 'not-this-one' },
      },
    });
    const task = instanceToTask(row, 'lite', sweSources(config, root));
    expect(task.environment).toMatchObject({
      dockerfile: 'FROM python:3.9\nADD repo.tar /testbed/\n',
      repoSnapshot: { repo: join(root, 'mirrors/requests'), commit: row.base_commit },
    });
    expect(task.workspace).toEqual({ kind: 'git', repo: join(root, 'mirrors/requests'), baseCommit: row.base_commit });
    expect(task.grader).toMatchObject({ testCommand: 'pytest -rA test_requests.py', logParser: 'pytest-options' });
  });

  it('evolve.json errors name the key: a Dockerfile path that is not there, an unknown field, both image and dockerfile', () => {
    const root = mkdtempSync(join(tmpdir(), 'evolve-swe-env-'));
    const missing = SweConfig.parse({ environments: { 'django/django': { dockerfile: 'nope.Dockerfile' } } });
    expect(() => sweSources(missing, root)).toThrow(
      /evolve\.json swebench\.environments\["django\/django"\]\.dockerfile: .*nope\.Dockerfile does not exist/,
    );
    const typo = Config.safeParse({ swebench: { environment: {} } });
    expect(typo.success).toBe(false);
    expect(typo.error?.issues[0]?.path).toEqual(['swebench']);
    const both = Config.safeParse({ swebench: { environments: { x: { image: 'a', dockerfile: 'b' } } } });
    expect(both.error?.issues[0]?.message).toBe('give an image or a dockerfile, not both');
    const parser = Config.safeParse({ swebench: { environments: { x: { logParser: 'junit' } } } });
    expect(parser.error?.issues[0]?.path).toEqual(['swebench', 'environments', 'x', 'logParser']);
    expect(Config.parse({}).swebench).toEqual({ repos: {}, environments: {} });
  });
});
