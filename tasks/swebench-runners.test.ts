import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { BaseChooser } from '../evaluator/images/base-choice.js';
import { DockerProvider } from '../evaluator/sandbox/docker.js';
import { chosenSandboxSpec, taskSandboxSpec } from '../evaluator/task-image.js';
import { describeDocker } from '../test/docker.js';
import { gradeTask } from './grade.js';
import { prepareWorkspace } from './prepare.js';
import type { Task } from './schema.js';
import { loadSuite } from './suite.js';
import { instanceToTask, SweInstance } from './swebench.js';
import { SweConfig, sweSources } from './swebench-env.js';

// One tiny repository per runner family, each printing its runner's real output format, graded in Docker through
// the registry's command and parser for its repository: the gold patch resolves, the empty patch does not.

type Files = Record<string, string>;

function write(dir: string, files: Files): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
    if (text.startsWith('#!')) chmodSync(join(dir, path), 0o755);
  }
}

/** An instance folder: repo/ at the base, gold.patch and test.patch made by git from the changed files. */
function instance(
  root: string,
  row: { instance_id: string; repo: string; version: string; FAIL_TO_PASS: string[]; PASS_TO_PASS: string[] },
  base: Files,
  gold: Files,
  tests: Files,
): void {
  const dir = join(root, row.instance_id);
  write(join(dir, 'repo'), base);
  const work = mkdtempSync(join(tmpdir(), 'evolve-runner-'));
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: work, encoding: 'utf8' });
  write(work, base);
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'base');
  const diffOf = (files: Files) => {
    write(work, files);
    git('add', '-A');
    const patch = git('diff', '--cached');
    git('reset', '-q', '--hard');
    return patch;
  };
  writeFileSync(join(dir, 'gold.patch'), diffOf(gold));
  writeFileSync(join(dir, 'test.patch'), diffOf(tests));
  writeFileSync(join(dir, 'instance.json'), JSON.stringify({ ...row, problem_statement: 'add() subtracts' }));
}

const BUGGY = { 'calc/__init__.py': 'def add(a, b):\n    return a - b\n\n\ndef sub(a, b):\n    return a - b\n' };
const FIXED = { 'calc/__init__.py': 'def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n' };

// Django's runner: unittest's verbose lines, test labels as dotted modules under tests/.
const DJANGO_RUNTESTS = `#!/usr/bin/env python3
import argparse, os, sys, unittest
here = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [here, os.path.dirname(here)]
p = argparse.ArgumentParser()
p.add_argument('labels', nargs='*')
p.add_argument('--verbosity', type=int, default=1)
p.add_argument('--settings')
p.add_argument('--parallel')
a = p.parse_args()
print("Testing against Django installed in '%s'" % os.path.dirname(here))
suite = unittest.defaultTestLoader.loadTestsFromNames(a.labels)
result = unittest.TextTestRunner(verbosity=a.verbosity, stream=sys.stdout).run(suite)
sys.exit(not result.wasSuccessful())
`;
const DJANGO_TESTS = (withAdd: boolean) =>
  [
    'import unittest',
    'from calc import add, sub',
    '',
    '',
    'class CalcTests(unittest.TestCase):',
    '    def test_sub(self):',
    '        self.assertEqual(sub(3, 1), 2)',
    ...(withAdd ? ['', '    def test_add(self):', '        self.assertEqual(add(1, 2), 3)'] : []),
    '',
  ].join('\n');

// SymPy's runner: `file[N]`, one `name ok|F|E` line per test, the file's [OK]/[FAIL] on its last test's line,
// and a `____ file:name ____` header per failure.
const SYMPY_BIN_TEST = `#!/usr/bin/env python3
import importlib.util, os, sys, traceback
sys.path.insert(0, os.getcwd())
paths = [a for a in sys.argv[1:] if not a.startswith('-')]
print('=' * 29 + ' test process starts ' + '=' * 30)
failures = []
for path in paths:
    spec = importlib.util.spec_from_file_location('t', path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    names = [n for n in vars(mod) if n.startswith('test_')]
    sys.stdout.write('%s[%d] ' % (path, len(names)))
    bad = False
    for name in names:
        sys.stdout.write('\\n' + name + ' ')
        try:
            vars(mod)[name]()
            sys.stdout.write('ok')
        except AssertionError:
            failures.append((path, name, traceback.format_exc())); bad = True
            sys.stdout.write('F')
        except Exception:
            failures.append((path, name, traceback.format_exc())); bad = True
            sys.stdout.write('E')
    sys.stdout.write(('[FAIL]' if bad else '[OK]').rjust(40) + '\\n\\n')
for path, name, tb in failures:
    print('_' * 80)
    print((' %s:%s ' % (path, name)).center(80, '_'))
    print(tb)
print('tests finished')
sys.exit(1 if failures else 0)
`;
const SYMPY_TESTS = (withAdd: boolean) =>
  [
    'from calc import add, sub',
    '',
    ...(withAdd ? ['def test_add():', '    assert add(1, 2) == 3', ''] : []),
    'def test_sub():',
    '    assert sub(3, 1) == 2',
    '',
    'def test_last():',
    '    assert True',
    '',
  ].join('\n');

const PYTEST_TESTS = (withAdd: boolean) =>
  [
    'from calc import add, sub',
    '',
    '',
    'def test_sub():',
    '    assert sub(3, 1) == 2',
    ...(withAdd ? ['', '', 'def test_add():', '    assert add(1, 2) == 3'] : []),
    '',
  ].join('\n');

describeDocker('SWE-bench runner families graded in Docker through the registry', () => {
  const root = mkdtempSync(join(tmpdir(), 'evolve-runners-'));
  instance(
    root,
    {
      instance_id: 'django__django-1',
      repo: 'django/django',
      version: '4.2',
      FAIL_TO_PASS: ['test_add (calc_tests.tests.CalcTests.test_add)'],
      PASS_TO_PASS: ['test_sub (calc_tests.tests.CalcTests.test_sub)'],
    },
    {
      ...BUGGY,
      'tests/runtests.py': DJANGO_RUNTESTS,
      'tests/calc_tests/__init__.py': '',
      'tests/calc_tests/tests.py': DJANGO_TESTS(false),
    },
    FIXED,
    // A template beside the test (django-12915): it must not become a runner label.
    { 'tests/calc_tests/tests.py': DJANGO_TESTS(true), 'tests/templates/calc.html': '<p>{{ sum }}</p>\n' },
  );
  // A patch that makes its FAIL_TO_PASS test skip itself (here: once add() works): upstream would count it resolved
  // (a skipped test leaves its ratio), evolve does not (the one deliberate difference).
  instance(
    root,
    {
      instance_id: 'django__django-2',
      repo: 'django/django',
      version: '4.2',
      FAIL_TO_PASS: ['test_add (calc_tests.tests.CalcTests.test_add)'],
      PASS_TO_PASS: ['test_sub (calc_tests.tests.CalcTests.test_sub)'],
    },
    {
      ...BUGGY,
      'tests/runtests.py': DJANGO_RUNTESTS,
      'tests/calc_tests/__init__.py': '',
      'tests/calc_tests/tests.py': DJANGO_TESTS(false),
    },
    FIXED,
    {
      'tests/calc_tests/tests.py': DJANGO_TESTS(true).replace(
        '    def test_add(self):',
        "    @unittest.skipIf(add(1, 2) == 3, 'skips once fixed')\n    def test_add(self):",
      ),
    },
  );
  instance(
    root,
    {
      instance_id: 'sympy__sympy-1',
      repo: 'sympy/sympy',
      version: '1.12',
      FAIL_TO_PASS: ['test_add'],
      PASS_TO_PASS: ['test_sub'],
    },
    {
      ...BUGGY,
      'bin/test': SYMPY_BIN_TEST,
      'calc/tests/__init__.py': '',
      'calc/tests/test_calc.py': SYMPY_TESTS(false),
    },
    FIXED,
    { 'calc/tests/test_calc.py': SYMPY_TESTS(true) },
  );
  instance(
    root,
    {
      instance_id: 'pallets__flask-1',
      repo: 'pallets/flask',
      version: '2.3',
      FAIL_TO_PASS: ['tests/test_calc.py::test_add'],
      PASS_TO_PASS: ['tests/test_calc.py::test_sub'],
    },
    // conftest.py at the root puts the repository on pytest's path, as an installed package would be.
    { ...BUGGY, 'conftest.py': '', 'tests/test_calc.py': PYTEST_TESTS(false) },
    FIXED,
    // A TOML file beside the test (flask-4992): it must not reach pytest's command line.
    { 'tests/test_calc.py': PYTEST_TESTS(true), 'tests/static/config.toml': 'TEST_KEY = "foo"\n' },
  );
  const suite = loadSuite(root);
  const provider = new DockerProvider();
  const graded = async (task: Task, patch: string) => {
    const sb = await provider.create(taskSandboxSpec(task, { role: 'test' }));
    try {
      await prepareWorkspace(task, sb);
      return await gradeTask(task, sb, patch);
    } finally {
      await sb.dispose();
    }
  };
  afterAll(() => execFileSync('rm', ['-rf', root]));

  it.each([
    ['django__django-1', 'django'],
    ['sympy__sympy-1', 'sympy'],
    ['pallets__flask-1', 'pytest'],
  ])(
    '%s (%s runner): the gold patch resolves, the empty patch does not',
    async (id, parser) => {
      const task = suite.tasks.find((t) => t.id === id)!;
      expect(task.grader).toMatchObject({ logParser: parser });
      const gold = await graded(task, task.gold?.kind === 'patch' ? task.gold.patch : '');
      expect(gold.report).toMatchObject({
        resolved: true,
        tests_status: {
          FAIL_TO_PASS: { success: task.grader.kind === 'swebench' ? task.grader.failToPass : [], failure: [] },
          PASS_TO_PASS: { failure: [] },
        },
      });
      const empty = await graded(task, '');
      expect(empty.resolved).toBe(false);
      expect(empty.report).toMatchObject({
        tests_status: { FAIL_TO_PASS: { failure: task.grader.kind === 'swebench' ? task.grader.failToPass : [] } },
      });
      // the test that passes either way is seen passing in the unpatched run too: the log was really parsed
      expect(
        (empty.report as { tests_status: { PASS_TO_PASS: { success: string[] } } }).tests_status.PASS_TO_PASS.success,
      ).toHaveLength(1);
    },
    300_000,
  );

  it('a FAIL_TO_PASS test that the patch makes skip is not passing: unresolved (upstream would count it resolved)', async () => {
    const task = suite.tasks.find((t) => t.id === 'django__django-2')!;
    const r = await graded(task, task.gold?.kind === 'patch' ? task.gold.patch : '');
    expect(r.report).toMatchObject({
      resolved: false,
      patch_successfully_applied: true,
      tests_status: { FAIL_TO_PASS: { success: [], failure: [] }, PASS_TO_PASS: { failure: [] } },
    });
  }, 300_000);

  it('an evolve.json recipe builds the environment from the repository at base_commit; gold resolves, empty does not', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'evolve-calc-'));
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: repo, encoding: 'utf8' });
    write(repo, { ...BUGGY, 'conftest.py': '', 'tests/test_calc.py': PYTEST_TESTS(false) });
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'base');
    const baseCommit = git('rev-parse', 'HEAD').trim();
    write(repo, FIXED);
    const gold = git('diff');
    git('commit', '-qam', 'the fix, after base_commit: never in the image or the workspace');
    write(repo, { 'tests/test_calc.py': PYTEST_TESTS(true) });
    const testPatch = git('diff');
    git('checkout', '-q', '--', '.');
    const config = SweConfig.parse({
      repos: { 'acme/calc': repo },
      environments: {
        'acme/calc@1.0': {
          // the recipe sees the repository at base_commit (the bug, not the fix) in repo.tar
          dockerfile: 'FROM evolve/python-env\nADD repo.tar /testbed/\nRUN grep -q "a - b" /testbed/calc/__init__.py\n',
        },
      },
    });
    const row = SweInstance.parse({
      instance_id: 'acme__calc-1',
      repo: 'acme/calc',
      version: '1.0',
      base_commit: baseCommit,
      patch: gold,
      test_patch: testPatch,
      problem_statement: 'add() subtracts',
      FAIL_TO_PASS: ['tests/test_calc.py::test_add'],
      PASS_TO_PASS: ['tests/test_calc.py::test_sub'],
    });
    const task = instanceToTask(row, 'mine', sweSources(config, root));
    expect(task.environment.repoSnapshot).toEqual({ repo, commit: baseCommit });
    expect((await graded(task, gold)).report).toMatchObject({ resolved: true });
    expect((await graded(task, '')).report).toMatchObject({
      resolved: false,
      tests_status: { FAIL_TO_PASS: { failure: ['tests/test_calc.py::test_add'] } },
    });
    execFileSync('rm', ['-rf', repo]);
  }, 600_000);

  it("an upstream image that is neither here nor pullable fails naming the image, the pull's error and the two ways", async () => {
    const task = instanceToTask(
      SweInstance.parse({
        instance_id: 'psf__requests-99999',
        repo: 'psf/requests',
        version: '2.4',
        test_patch: 'diff --git a/test_requests.py b/test_requests.py\n',
        problem_statement: 'x',
        FAIL_TO_PASS: ['t'],
      }),
      'lite',
    );
    const { spec } = await chosenSandboxSpec(task, { role: 'test' }, new BaseChooser({ bases: {}, pull: 'auto' }));
    await expect(provider.create(spec)).rejects.toMatchObject({
      kind: 'image_missing',
      message: expect.stringMatching(
        /^image swebench\/sweb\.eval\.x86_64\.psf_1776_requests-99999 is not here\. Pulling it failed \(.+\)\. .*Give the row an "image".*"environments": \{"psf\/requests@2\.4": \{"dockerfile"/,
      ),
    });
  }, 300_000);
});
