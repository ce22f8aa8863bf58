import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TaskLoadError } from './errors.js';
import { stripTestFiles } from './grade.js';
import { failed, getParser, passed } from './parsers/index.js';
import { agentView } from './schema.js';
import { runCli } from '../cli/testing/run-cli.js';
import { firstTasks, loadSuite, selectTasks } from './suite.js';
import { instanceToTask, readSweInstances, SweInstance, upstreamImageName } from './swebench.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'evolve-tasks-'));
const LOG = readFileSync(join(import.meta.dirname, 'fixtures', 'pytest-rA.log'), 'utf8');

describe('pytest -rA parser', () => {
  const map = getParser('pytest')(LOG);
  it('reads passed, failed, error, xfail, xpass and parametrized ids with spaces and dashes', () => {
    expect(map.get('tests/test_a.py::test_add')).toBe('PASSED');
    expect(map.get('tests/test_a.py::test_param[1-2]')).toBe('PASSED');
    expect(map.get('tests/test_b.py::test_case[foo bar - baz]')).toBe('PASSED');
    expect(map.get('tests/test_a.py::test_divide')).toBe('FAILED');
    expect(map.get('tests/test_a.py::test_known')).toBe('XFAIL');
    expect(map.get('tests/test_a.py::test_surprise')).toBe('XPASS');
    expect(map.get('tests/test_c.py')).toBe('ERROR'); // a collection error names the file
    // `SKIPPED [1] tests/test_a.py:27: needs network` names a location, not a test: it adds no entry.
    expect([...map.keys()].filter((id) => id.startsWith('[') || id.includes(':27'))).toEqual([]);
    expect(map.size).toBe(10); // 9 results + the upstream-cut form of `test_case[foo bar - baz]`
  });
  it('judges as upstream: XFAIL passes, a missing or XPASS test fails, skips are neither', () => {
    expect(passed(map, 'tests/test_a.py::test_known')).toBe(true);
    expect(failed(map, 'tests/test_a.py::test_surprise')).toBe(true);
    expect(failed(map, 'tests/test_c.py::test_anything')).toBe(true);
    // upstream lists cut ids at the first space; both forms resolve
    expect(passed(map, 'tests/test_b.py::test_case[foo')).toBe(true);
    // a skipped test is neither passed nor failed, as upstream (grade.ts also needs every FAIL_TO_PASS passed)
    const skipped = getParser('pytest')('SKIPPED tests/x.py::test_s - needs network\n');
    expect([passed(skipped, 'tests/x.py::test_s'), failed(skipped, 'tests/x.py::test_s')]).toEqual([false, false]);
  });
  it('ignores a log with no summary', () => {
    expect(getParser('pytest')('collected 0 items\n').size).toBe(0);
    expect(() => getParser('junit')).toThrow(/unknown test log parser "junit"/);
  });
});

describe('SWE-bench instances', () => {
  const row = {
    instance_id: 'astropy__astropy-12907',
    repo: 'astropy/astropy',
    base_commit: 'd16bfe05',
    patch: 'diff --git a/x.py b/x.py\n',
    test_patch: 'diff --git a/tests/test_x.py b/tests/test_x.py\n',
    problem_statement: 'Modeling separability is wrong',
    hints_text: '',
    created_at: '2022-03-03T15:14:54Z',
    version: '4.3',
    environment_setup_commit: '298ccb47',
    FAIL_TO_PASS: '["tests/test_x.py::test_a"]',
    PASS_TO_PASS: ['tests/test_x.py::test_b'],
  };
  it('reads the upstream fields, lists as JSON strings or lists, and round-trips them', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'lite.jsonl'), `${JSON.stringify(row)}\n`);
    const [{ row: parsed }] = readSweInstances(join(dir, 'lite.jsonl')) as [{ row: SweInstance }];
    expect(parsed.FAIL_TO_PASS).toEqual(['tests/test_x.py::test_a']);
    const task = instanceToTask(parsed, 'lite');
    expect(task.environment.image).toBe('swebench/sweb.eval.x86_64.astropy_1776_astropy-12907');
    expect(task.grader).toMatchObject({
      kind: 'swebench',
      failToPass: ['tests/test_x.py::test_a'],
      logParser: 'pytest-v2',
    });
    expect((task.grader as { testCommand: string }).testCommand.split('\n').at(-1)).toBe('pytest -rA tests/test_x.py');
    expect(task.upstream).toMatchObject({
      base_commit: 'd16bfe05',
      version: '4.3',
      environment_setup_commit: '298ccb47',
      hints_text: '',
    });
    expect(upstreamImageName('Django__Django-11099')).toBe('swebench/sweb.eval.x86_64.django_1776_django-11099');
  });
  it('names the file, the line and instance, and the field of a bad row', () => {
    const dir = tmp();
    writeFileSync(
      join(dir, 'bad.jsonl'),
      `${JSON.stringify(row)}\n${JSON.stringify({ ...row, instance_id: 'x__y-1', FAIL_TO_PASS: 'not json' })}\n`,
    );
    const error = (() => {
      try {
        readSweInstances(join(dir, 'bad.jsonl'));
      } catch (e) {
        return e as TaskLoadError;
      }
    })();
    expect(error).toBeInstanceOf(TaskLoadError);
    expect(error!.message).toMatch(/bad\.jsonl \(line 2, instance x__y-1\), field FAIL_TO_PASS/);
    writeFileSync(join(dir, 'broken.jsonl'), '{"instance_id": ');
    expect(() => readSweInstances(join(dir, 'broken.jsonl'))).toThrow(/broken\.jsonl \(line 1\): not valid JSON/);
  });
  it('never shows the agent the tests or the gold patch', () => {
    const task = instanceToTask(SweInstance.parse(row), 'lite');
    const seen = JSON.stringify(agentView(task));
    expect(seen).not.toMatch(/test_x|x\.py|FAIL_TO_PASS/);
    expect(seen).toContain('Modeling separability');
  });
});

describe('grading helpers', () => {
  it('strips the model patch of edits to test files and records them', () => {
    const patch = [
      'diff --git a/pkg/a.py b/pkg/a.py',
      '--- a/pkg/a.py',
      '+++ b/pkg/a.py',
      '@@ -1 +1 @@',
      '-x',
      '+y',
      'diff --git a/tests/test_a.py b/tests/test_a.py',
      '--- a/tests/test_a.py',
      '+++ b/tests/test_a.py',
      '@@ -1 +1 @@',
      '-a',
      '+b',
      '',
    ].join('\n');
    const r = stripTestFiles(patch, '');
    expect(r.touched).toEqual(['tests/test_a.py']);
    expect(r.patch).toContain('pkg/a.py');
    expect(r.patch).not.toContain('tests/test_a.py');
  });
});

describe('suites', () => {
  it('loads the built-in suite with a stored split and subsets, and --subset N is the first N by id', () => {
    const suite = loadSuite('builtin');
    expect(suite.tasks.filter((t) => t.kind === 'swebench').length).toBeGreaterThanOrEqual(24);
    expect(suite.tasks.filter((t) => t.kind === 'terminal-bench').length).toBeGreaterThanOrEqual(8);
    expect(suite.tasks.every((t) => t.tags.length > 0)).toBe(true);
    const train = selectTasks(suite, { split: 'train' });
    const heldout = selectTasks(suite, { split: 'heldout' });
    expect(train.length + heldout.length).toBe(suite.tasks.length);
    // --subset N is the first N by id everywhere: what `tasks list` shows is what `eval --subset N` runs.
    const ids = train.map((t) => t.id).sort((a, b) => (a < b ? -1 : 1));
    expect(selectTasks(suite, { split: 'train', subset: 5 }).map((t) => t.id)).toEqual(ids.slice(0, 5));
    expect(firstTasks([...train].reverse(), 5).map((t) => t.id)).toEqual(ids.slice(0, 5));
    expect(selectTasks(suite, { subset: 'smoke', split: 'train' })).toHaveLength(6);
  });
  it('evolve tasks list --subset N lists the first N tasks by id of the split, the ones eval --subset N runs', async () => {
    const train = selectTasks(loadSuite('builtin'), { split: 'train' });
    const r = await runCli(['tasks', 'list', '--split', 'train', '--subset', '3', '--json'], tmp());
    expect(r.code).toBe(0);
    expect((JSON.parse(r.out) as { tasks: Array<{ id: string }> }).tasks.map((t) => t.id)).toEqual(
      firstTasks(train, 3).map((t) => t.id),
    );
  });
  it('reads a Terminal-Bench task in the new layout', () => {
    const dir = join(tmp(), 'hello-task');
    mkdirSync(join(dir, 'environment'), { recursive: true });
    mkdirSync(join(dir, 'tests'));
    mkdirSync(join(dir, 'solution'));
    writeFileSync(join(dir, 'instruction.md'), 'Write hello to /app/out.txt\n');
    writeFileSync(
      join(dir, 'task.toml'),
      '[metadata]\ndifficulty = "easy"\ncategory = "files"\ntags = ["files", "shell"]\n[verifier]\ntimeout_sec = 30\n',
    );
    writeFileSync(join(dir, 'environment', 'Dockerfile'), 'FROM python:3.13-slim\nWORKDIR /app\n');
    writeFileSync(
      join(dir, 'tests', 'test.sh'),
      'grep -q hello /app/out.txt && echo 1 > /logs/verifier/reward.txt || echo 0 > /logs/verifier/reward.txt\n',
    );
    writeFileSync(join(dir, 'solution', 'solve.sh'), 'echo hello > /app/out.txt\n');
    const [task] = loadSuite(dir).tasks;
    expect(task).toMatchObject({
      id: 'hello-task',
      kind: 'terminal-bench',
      difficulty: 'easy',
      limits: { testTimeoutSec: 30 },
      grader: { mode: 'reward' },
      gold: { kind: 'script' },
    });
    expect(task?.tags).toEqual(['files', 'shell']); // the category is a tag, once
    writeFileSync(join(dir, 'task.toml'), '[metadata]\ndifficulty = "trivial"\n');
    expect(() => loadSuite(dir)).toThrow(/task\.toml, field metadata\.difficulty/);
  });
});
