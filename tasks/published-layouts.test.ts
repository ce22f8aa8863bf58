import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadSuite, SuiteEntry } from './suite.js';
import { taskImage } from '../evaluator/task-image.js';
import { dockerfileFacts } from './terminal-bench.js';

// Loading Terminal-Bench v1 and Harbor task folders as their harnesses read them (the fixtures under
// tasks/fixtures/published); running them in Docker is checked in evaluator/published.test.ts.

const FIXTURES = join(import.meta.dirname, 'fixtures', 'published');
const byId = () => new Map(loadSuite(FIXTURES).tasks.map((t) => [t.id, t]));

describe('published task layouts', () => {
  it('reads where the agent works and as whom from the Dockerfile, the compose file or task.toml', () => {
    expect(dockerfileFacts('FROM x\nWORKDIR /srv\nUSER app:app\nWORKDIR /srv/work\n')).toEqual({
      workdir: '/srv/work',
      user: 'app',
    });
    expect(dockerfileFacts('FROM x\nUSER root\n')).toEqual({});
    const tasks = byId();
    expect(tasks.get('tb-test-dir-setup')?.environment).toMatchObject({ workdir: '/app' });
    expect(tasks.get('tb-test-dir-setup')?.environment.agentUser).toBeUndefined(); // the harness's root

    const dir = mkdtempSync(join(tmpdir(), 'evolve-published-'));
    cpSync(join(FIXTURES, 'tb-test-dir-setup'), join(dir, 'v1'), { recursive: true });
    writeFileSync(join(dir, 'v1', 'Dockerfile'), 'FROM python:3.13\nWORKDIR /work\nUSER runner\n');
    cpSync(join(FIXTURES, 'harbor-solution-dir'), join(dir, 'harbor'), { recursive: true });
    writeFileSync(
      join(dir, 'harbor', 'task.toml'),
      '[agent]\nuser = "builder"\n[environment]\ndocker_image = "example.org/prebuilt:1"\n',
    );
    cpSync(join(FIXTURES, 'tb-test-dir-setup'), join(dir, 'sidecar'), { recursive: true });
    writeFileSync(
      join(dir, 'sidecar', 'docker-compose.yaml'),
      'services:\n  client:\n    build: {dockerfile: Dockerfile}\n    user: "1000:1000"\n  redis:\n    image: redis:7\n',
    );
    const loaded = new Map(loadSuite(dir).tasks.map((t) => [t.id, t]));
    expect(loaded.get('sidecar')?.environment).toMatchObject({ agentUser: '1000', services: ['redis'] });
    expect(loaded.get('v1')?.environment).toMatchObject({ workdir: '/work', agentUser: 'runner' });
    expect(loaded.get('harbor')?.environment).toMatchObject({ agentUser: 'builder', image: 'example.org/prebuilt:1' });
    expect(loaded.get('harbor')?.environment.dockerfile).toBeUndefined();
    expect(loaded.get('harbor')?.limits.testTimeoutSec).toBe(600); // Harbor's default verifier timeout
  });

  it("keeps Harbor's solution folder for /solution and its tests for /tests, out of the image's build context", () => {
    const harbor = byId().get('harbor-solution-dir')!;
    expect(harbor.gold).toMatchObject({ kind: 'script', dir: join(FIXTURES, 'harbor-solution-dir', 'solution') });
    expect(harbor.grader).toMatchObject({ kind: 'terminal-bench', mode: 'reward' });
    expect(harbor.environment.contextDir).toBe(join(FIXTURES, 'harbor-solution-dir', 'environment'));
    // [verifier] and [solution] env: literal values only (a ${VAR} would be filled from the host upstream).
    expect(harbor.grader).toMatchObject({ env: { EXPECTED_SUM: '42' } });
    expect(harbor.gold).toMatchObject({ env: { SUM_FILE: '/app/sum.txt' } });
    expect(harbor.grader.kind === 'terminal-bench' && harbor.grader.env).not.toHaveProperty('JUDGE_API_KEY');
  });

  it("leaves a v1 task's solutions, either form, and its tests out of the image's build context", () => {
    // Terminal-Bench v1 takes `solution.yaml` as well as `solution.sh`; either in the context is one COPY from the image.
    const dir = mkdtempSync(join(tmpdir(), 'evolve-published-'));
    cpSync(join(FIXTURES, 'tb-test-dir-setup'), join(dir, 'v1'), { recursive: true });
    writeFileSync(join(dir, 'v1', 'solution.yaml'), '- command: echo 42 > /app/answer.txt\n');
    const recipe = taskImage(loadSuite(dir).tasks[0]!);
    const files = Object.keys(typeof recipe === 'string' ? {} : (recipe.files ?? {}));
    expect(files).toContain('seed.txt');
    expect(files.filter((f) => /^(tests\/|solution|run-tests)/.test(f))).toEqual([]);
  });

  it("applies per-suite settings from evolve.json, and a command's settings over those", () => {
    const Suites = z.strictObject({ suites: z.record(z.string(), SuiteEntry) }); // as evolve.json holds them
    const config = Suites.parse({
      suites: {
        tb: { path: FIXTURES, agentUser: 'agent', testTimeoutSec: 5 },
        plain: FIXTURES,
      },
    });
    const suite = loadSuite('tb', { suites: config.suites, base: '/' });
    expect(suite.name).toBe('tb');
    expect(suite.tasks.every((t) => t.environment.agentUser === 'agent' && t.limits.testTimeoutSec === 5)).toBe(true);
    expect(suite.tasks.find((t) => t.id === 'tb-root-only')?.limits.agentTimeoutSec).toBe(120);
    const flagged = loadSuite('tb', { suites: config.suites, settings: { testTimeoutSec: 9, agentTimeoutSec: 7 } });
    expect(flagged.tasks.every((t) => t.limits.testTimeoutSec === 9 && t.limits.agentTimeoutSec === 7)).toBe(true);
    expect(loadSuite('plain', { suites: config.suites }).tasks.every((t) => !t.environment.agentUser)).toBe(true);
    expect(() => Suites.parse({ suites: { tb: { path: FIXTURES, agentTimeoutSec: -1 } } })).toThrow(/agentTimeoutSec/);
    expect(() => Suites.parse({ suites: { tb: { path: FIXTURES, user: 'x' } } })).toThrow();
  });
});
