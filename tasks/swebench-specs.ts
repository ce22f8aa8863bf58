import { changedFiles } from './patch.js';

// How the SWE-bench harness tests each repository: the test command (its test files appended), the log parser,
// and what its evaluation script runs before the tests in the upstream images (locale exports, the re-install).
// Keyed by repository and version as upstream's tables are; one entry to add a repository.

const PYTEST = 'pytest -rA';
const ASTROPY_CLASSIC = 'pytest -rA -vv -o console_output_style=classic --tb=no';
const DJANGO = './tests/runtests.py --verbosity 2 --settings=test_sqlite --parallel 1';
const DJANGO_SERIAL = './tests/runtests.py --verbosity 2';
const SYMPY = "PYTHONWARNINGS='ignore::UserWarning,ignore::SyntaxWarning' bin/test -C --verbose";
const SPHINX = 'tox --current-env -epy39 -v --';
const PIP_E = 'python -m pip install -e .';
const SETUP_INSTALL = 'python setup.py install';

const DJANGO_LOCALE = [
  'export LANG=en_US.UTF-8',
  'export LC_ALL=en_US.UTF-8',
  'export PYTHONIOENCODING=utf8',
  'export LANGUAGE=en_US:en',
];
const DJANGO_3_LOCALE = [
  "sed -i '/en_US.UTF-8/s/^# //g' /etc/locale.gen && locale-gen",
  'export LANG=en_US.UTF-8',
  'export LANGUAGE=en_US:en',
  'export LC_ALL=en_US.UTF-8',
];

/** Versions as upstream spells them, from a space-separated list. */
const v = (list: string) => list.split(' ');

interface VersionGroup {
  versions: string[];
  /** The test command; the test files of the test patch are appended. */
  cmd: string;
  /** Re-run before the tests in upstream's images, as upstream's eval script does (its output is kept apart). */
  install?: string;
  /** Shell lines upstream's eval script runs first (environment exports). */
  setup?: string[];
}

interface RepoSpec {
  /** A parser name from tasks/parsers/index.ts. */
  parser: string;
  /** `django`: test files become dotted module labels for runtests.py; `paths` (default): passed as they are. */
  directives?: 'paths' | 'django';
  /** The newest group last: a version not listed uses it. */
  groups: VersionGroup[];
}

export const SWE_REPOS: Record<string, RepoSpec> = {
  'astropy/astropy': {
    parser: 'pytest-v2',
    groups: [
      {
        versions: v('0.1 0.2 0.3 0.4 1.1 1.2 1.3'),
        cmd: ASTROPY_CLASSIC,
        install: 'python -m pip install -e .[test] --verbose',
      },
      {
        versions: v('3.0 3.1 3.2 4.1 4.2 4.3 5.0 5.1 5.2 v5.3'),
        cmd: PYTEST,
        install: 'python -m pip install -e .[test] --verbose',
      },
    ],
  },
  'django/django': {
    parser: 'django',
    directives: 'django',
    groups: [
      { versions: v('1.4 1.5 1.6'), cmd: DJANGO, install: SETUP_INSTALL },
      { versions: ['1.9'], cmd: DJANGO_SERIAL, install: SETUP_INSTALL, setup: DJANGO_LOCALE },
      { versions: v('1.7 1.8 1.10 1.11 2.0 2.1 2.2'), cmd: DJANGO, install: SETUP_INSTALL, setup: DJANGO_LOCALE },
      { versions: v('3.0 3.1 3.2'), cmd: DJANGO, install: PIP_E, setup: DJANGO_3_LOCALE },
      { versions: v('4.0 4.1 4.2 5.0 5.1 5.2'), cmd: DJANGO, install: PIP_E },
    ],
  },
  'matplotlib/matplotlib': {
    parser: 'matplotlib',
    groups: [
      {
        versions: v('1.0 1.1 1.2 1.3 1.4 1.5 2.0 2.1 2.2'),
        cmd: PYTEST,
        install: 'python setup.py build; python setup.py install',
      },
      { versions: v('3.0 3.1 3.2 3.3 3.4 3.5 3.6 3.7'), cmd: PYTEST, install: PIP_E },
      { versions: v('3.8 3.9'), cmd: PYTEST, install: 'python -m pip install --no-build-isolation -e ".[dev]"' },
    ],
  },
  'mwaskom/seaborn': {
    parser: 'seaborn',
    groups: [
      { versions: ['0.11'], cmd: 'pytest --no-header -rA', install: PIP_E },
      { versions: v('0.12 0.13 0.14'), cmd: 'pytest --no-header -rA', install: 'python -m pip install -e .[dev]' },
    ],
  },
  'pallets/flask': {
    parser: 'pytest',
    groups: [{ versions: v('2.0 2.1 2.2 2.3 3.0 3.1'), cmd: PYTEST, install: PIP_E }],
  },
  'psf/requests': {
    parser: 'pytest-options',
    groups: [
      {
        versions: v(
          '0.7 0.8 0.9 0.11 0.13 0.14 1.1 1.2 2.0 2.2 2.3 2.4 2.5 2.7 2.8 2.9 2.10 2.11 2.12 2.17 2.18 2.19 2.22 2.25 2.26 2.27 2.31 3.0',
        ),
        cmd: PYTEST,
        install: 'python -m pip install .',
      },
    ],
  },
  'pydata/xarray': {
    parser: 'pytest',
    groups: [
      { versions: v('0.12 0.18 0.19 0.20 2022.03 2022.06 2022.09 2023.07 2024.05'), cmd: PYTEST, install: PIP_E },
    ],
  },
  'pylint-dev/pylint': {
    parser: 'pytest-options',
    groups: [
      { versions: v('2.8 2.9 2.10 2.11 2.13 2.14 2.15 2.16 2.17 3.0 3.1 3.2 3.3 4.0'), cmd: PYTEST, install: PIP_E },
    ],
  },
  'pytest-dev/pytest': {
    parser: 'pytest',
    groups: [
      {
        versions: v('4.4 4.5 4.6 5.0 5.1 5.2 5.3 5.4 6.0 6.2 6.3 7.0 7.1 7.2 7.4 8.0 8.1 8.2 8.3 8.4'),
        cmd: PYTEST,
        install: PIP_E,
      },
    ],
  },
  'scikit-learn/scikit-learn': {
    parser: 'pytest-v2',
    groups: [
      {
        versions: v('0.20 0.21 0.22 1.3 1.4 1.5 1.6'),
        cmd: PYTEST,
        install: 'python -m pip install -v --no-use-pep517 --no-build-isolation -e .',
      },
    ],
  },
  'sphinx-doc/sphinx': {
    parser: 'pytest-v2',
    groups: [
      {
        versions: v(
          '1.5 1.6 1.7 1.8 2.0 2.1 2.2 2.3 2.4 3.0 3.1 3.2 3.3 3.4 3.5 4.0 4.1 4.2 4.3 4.4 4.5 5.0 5.1 5.2 5.3 6.0 6.2 7.0 7.1 7.2 7.3 7.4 8.0 8.1',
        ),
        cmd: SPHINX,
        install: 'python -m pip install -e .[test]',
      },
    ],
  },
  'sympy/sympy': {
    parser: 'sympy',
    groups: [
      { versions: v('0.7 1.0 1.1 1.2 1.4 1.5 1.6 1.7 1.8 1.9 1.10 1.11 1.12 1.13 1.14'), cmd: SYMPY, install: PIP_E },
    ],
  },
  // The repositories of SWE-bench's dev split (and Lite's dev rows).
  'marshmallow-code/marshmallow': {
    parser: 'pytest',
    groups: [
      {
        versions: v('2.18 2.19 2.20 3.0 3.1 3.2 3.4 3.8 3.9 3.10 3.11 3.12 3.13 3.15 3.16 3.19'),
        cmd: PYTEST,
        install: "python -m pip install -e '.[dev]'",
      },
    ],
  },
  'pvlib/pvlib-python': {
    parser: 'pytest',
    groups: [
      { versions: v('0.1 0.2 0.3 0.4 0.5 0.6 0.7 0.8 0.9'), cmd: PYTEST, install: 'python -m pip install -e .[all]' },
    ],
  },
  'pydicom/pydicom': {
    parser: 'pytest-options',
    groups: [{ versions: v('1.0 1.1 1.2 1.3 1.4 2.0 2.1 2.2 2.3 2.4 3.0'), cmd: PYTEST, install: PIP_E }],
  },
  'pylint-dev/astroid': {
    parser: 'pytest',
    groups: [{ versions: v('2.5 2.6 2.7 2.8 2.9 2.10 2.12 2.13 2.14 2.15 2.16 3.0'), cmd: PYTEST, install: PIP_E }],
  },
  'pyvista/pyvista': {
    parser: 'pytest',
    groups: [
      {
        versions: v(
          '0.20 0.21 0.22 0.23 0.24 0.25 0.26 0.27 0.28 0.29 0.30 0.31 0.32 0.33 0.34 0.35 0.36 0.37 0.38 0.39 0.40 0.41 0.42 0.43',
        ),
        cmd: PYTEST,
        install: PIP_E,
      },
    ],
  },
  'sqlfluff/sqlfluff': {
    parser: 'pytest',
    groups: [
      {
        versions: v('0.4 0.5 0.6 0.8 0.9 0.10 0.11 0.12 0.13 1.0 1.1 1.2 1.3 1.4 2.0 2.1 2.2'),
        cmd: PYTEST,
        install: PIP_E,
      },
    ],
  },
};

/** What a repository not in the table gets: pytest on the test files, read by the pytest parser. */
const FALLBACK = { parser: 'pytest', cmd: 'python3 -m pytest -rA -p no:cacheprovider' };

export interface SweSpec {
  parser: string;
  cmd: string;
  directives: 'paths' | 'django';
  install?: string;
  setup?: string[];
  /** false when the repository, or this version of it, is not in the table (a fallback was used). */
  known: boolean;
}

export function sweSpec(repo: string, version: string | undefined): SweSpec {
  const entry = SWE_REPOS[repo];
  if (!entry) return { ...FALLBACK, directives: 'paths', known: false };
  const exact = entry.groups.find((g) => version !== undefined && g.versions.includes(version));
  const group = exact ?? entry.groups.at(-1)!;
  return {
    parser: entry.parser,
    cmd: group.cmd,
    directives: entry.directives ?? 'paths',
    ...(group.install ? { install: group.install } : {}),
    ...(group.setup ? { setup: group.setup } : {}),
    known: exact !== undefined,
  };
}

// Upstream drops these from the directives (`csv` without its dot, as upstream spells it).
const NON_TEST_EXTS = ['.json', '.png', 'csv', '.txt', '.md', '.jpg', '.jpeg', '.pkl', '.yml', '.yaml', '.toml'];

/**
 * The test files of a test patch as the runner's arguments, as upstream's get_test_directives makes them: the
 * files the patch touches minus data files, and for Django dotted module labels (`tests/a/b.py` -> `a.b`). Unlike
 * upstream, only Python files are kept: a template or an .rst the patch adds is not a test, and a runner given one
 * fails the whole run.
 */
export function testDirectives(testPatch: string, style: 'paths' | 'django'): string[] {
  const tests = changedFiles(testPatch).filter(
    (f) => !NON_TEST_EXTS.some((ext) => f.endsWith(ext)) && f.endsWith('.py'),
  );
  if (style === 'paths') return tests;
  return tests.map((f) =>
    f
      .slice(0, -'.py'.length)
      .replace(/^tests\//, '')
      .replaceAll('/', '.'),
  );
}

const shellWord = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/**
 * The whole test step for one instance: in an upstream image (its conda env `testbed`), the env activated, the
 * setup lines and the re-install (output kept in /tmp/evolve-install.log, out of the parsed log) as upstream's eval
 * script runs them; then the test command with the test files.
 */
export function sweTestCommand(spec: SweSpec, testPatch: string): string {
  const run = [spec.cmd, ...testDirectives(testPatch, spec.directives).map(shellWord)].join(' ');
  const upstreamEnv = [
    '. /opt/miniconda3/bin/activate && conda activate testbed',
    ...(spec.setup ?? []),
    // Grading has no network: pip looks for no index, so a re-install that needs a download fails at once (the
    // package stays as the image installed it) instead of retrying for minutes.
    ...(spec.install ? [`( export PIP_NO_INDEX=1; ${spec.install} ) >/tmp/evolve-install.log 2>&1`] : []),
  ];
  return ['if [ -f /opt/miniconda3/bin/activate ]; then', ...upstreamEnv.map((line) => `  ${line}`), 'fi', run].join(
    '\n',
  );
}
