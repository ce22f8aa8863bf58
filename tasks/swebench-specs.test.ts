import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getParser } from './parsers/index.js';
import { instanceToTask, SweInstance } from './swebench.js';
import { SWE_REPOS, sweSpec, sweTestCommand, testDirectives } from './swebench-specs.js';

const log = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', 'runner-logs', name), 'utf8');
const parsed = (parser: string, file: string) => Object.fromEntries(getParser(parser)(log(file)));

describe('per-runner log parsers, on logs in each runner format', () => {
  it("django's runtests.py --verbosity 2: ok / FAIL / ERROR / skipped, failure headers, a result on a later line", () => {
    expect(parsed('django', 'django.log')).toEqual({
      'test_add_field (migrations.test_operations.OperationTests)': 'PASSED',
      'test_alter_field (migrations.test_operations.OperationTests)': 'FAILED',
      'test_rename_model (migrations.test_operations.OperationTests)': 'ERROR',
      'test_check_constraint (migrations.test_operations.OperationTests)': 'SKIPPED',
      // printed output pushed the `ok` onto its own line
      'test_makemigrations_interactive (migrations.test_commands.MakeMigrationsTests)': 'PASSED',
      'test_serialize_enum (migrations.test_writer.WriterTests.test_serialize_enum)': 'PASSED',
      'test_runserver_addrport (admin_scripts.tests.ManageRunserver)': 'PASSED',
      '--version is equivalent to version': 'PASSED',
      // the `FAIL:` / `ERROR:` headers name the bare test method, as upstream records them
      test_alter_field: 'FAILED',
      test_rename_model: 'ERROR',
    });
    // an expected failure is no result (upstream): a FAIL_TO_PASS test listed so would count as failing
  });

  it('sympy bin/test -C --verbose: `name ok|F|E` lines and the failure report headers', () => {
    expect(parsed('sympy', 'sympy.log')).toEqual({
      test__aresame: 'PASSED',
      test_structure: 'PASSED',
      test_equality: 'FAILED',
      test_printmethod: 'PASSED',
      test_latex_basic: 'ERROR',
      'sympy/core/tests/test_basic.py:test_equality': 'FAILED',
      'sympy/printing/tests/test_latex.py:test_latex_basic': 'FAILED',
    });
    // a file's last test shares its line with the file's [OK]/[FAIL]: upstream reads no result there either
  });

  it('tox --current-env -v -- (sphinx): colour codes stripped, ids with spaces whole, the reason cut off', () => {
    expect(parsed('pytest-v2', 'tox-sphinx.log')).toEqual({
      'tests/test_ext_napoleon_docstring.py::NamedtupleSubclassTest::test_attributes_docstring': 'PASSED',
      'tests/test_ext_napoleon_docstring.py::TestNumpyDocstring::test_token_type_invalid[name : foo bar]': 'PASSED',
      'tests/test_ext_napoleon_docstring.py::NumpyDocstringTest::test_docstrings': 'FAILED',
    });
  });

  it('astropy -vv in the classic style: `id STATUS` lines as well as the summary', () => {
    expect(parsed('pytest-v2', 'astropy-classic.log')).toEqual({
      'astropy/io/fits/tests/test_checksum.py::TestChecksumFunctions::test_sample_file': 'PASSED',
      'astropy/io/fits/tests/test_checksum.py::TestChecksumFunctions::test_image_create': 'FAILED',
      'astropy/io/fits/tests/test_checksum.py::TestChecksumFunctions::test_nonstandard_checksum': 'PASSED',
    });
  });

  it('pytest with options (requests, pylint): an absolute-path parameter keeps only its file name', () => {
    expect(parsed('pytest-options', 'pytest-options.log')).toEqual({
      'tests/test_requests.py::TestRequests::test_invalid_url[MissingSchema-hiwpefhipowhefopw]': 'PASSED',
      'tests/test_requests.py::TestRequests::test_certificate_files[/ca.pem]': 'PASSED',
      'tests/test_requests.py::test_glob[/tmp/*.txt]': 'PASSED',
      'tests/test_requests.py::TestRequests::test_params_bytes': 'FAILED',
    });
  });

  it('matplotlib: mouse buttons as their numbers; seaborn: summary lines', () => {
    expect(parsed('matplotlib', 'matplotlib.log')).toEqual({
      'lib/matplotlib/tests/test_widgets.py::test_span_selector_drag[1]': 'PASSED',
      'lib/matplotlib/tests/test_widgets.py::test_rectangle_selector': 'PASSED',
      'lib/matplotlib/tests/test_widgets.py::test_span_selector_drag[3]': 'FAILED',
    });
    expect(parsed('seaborn', 'seaborn.log')).toEqual({
      'tests/test_core.py::TestSemanticMapping::test_call_lookup': 'PASSED',
      'tests/test_core.py::TestHueMapping::test_init_from_map[hue_norm0]': 'PASSED',
      'tests/test_core.py::TestHueMapping::test_hue_map_null': 'FAILED',
    });
  });
});

// The repositories of SWE-bench Lite and Verified, each with the parser upstream's MAP_REPO_TO_PARSER gives it,
// and every version upstream's MAP_REPO_VERSION_TO_SPECS lists for it (Lite's and Verified's rows use these).
const LITE_AND_VERIFIED: Record<string, { parser: string; versions: string }> = {
  'astropy/astropy': {
    parser: 'pytest-v2',
    versions: '0.1 0.2 0.3 0.4 1.1 1.2 1.3 3.0 3.1 3.2 4.1 4.2 4.3 5.0 5.1 5.2 v5.3',
  },
  'django/django': {
    parser: 'django',
    versions: '1.4 1.5 1.6 1.7 1.8 1.9 1.10 1.11 2.0 2.1 2.2 3.0 3.1 3.2 4.0 4.1 4.2 5.0 5.1 5.2',
  },
  'matplotlib/matplotlib': {
    parser: 'matplotlib',
    versions: '1.0 1.1 1.2 1.3 1.4 1.5 2.0 2.1 2.2 3.0 3.1 3.2 3.3 3.4 3.5 3.6 3.7 3.8 3.9',
  },
  'mwaskom/seaborn': { parser: 'seaborn', versions: '0.11 0.12 0.13 0.14' },
  'pallets/flask': { parser: 'pytest', versions: '2.0 2.1 2.2 2.3 3.0 3.1' },
  'psf/requests': {
    parser: 'pytest-options',
    versions:
      '0.7 0.8 0.9 0.11 0.13 0.14 1.1 1.2 2.0 2.2 2.3 2.4 2.5 2.7 2.8 2.9 2.10 2.11 2.12 2.17 2.18 2.19 2.22 2.25 2.26 2.27 2.31 3.0',
  },
  'pydata/xarray': { parser: 'pytest', versions: '0.12 0.18 0.19 0.20 2022.03 2022.06 2022.09 2023.07 2024.05' },
  'pylint-dev/pylint': {
    parser: 'pytest-options',
    versions: '2.8 2.9 2.10 2.11 2.13 2.14 2.15 2.16 2.17 3.0 3.1 3.2 3.3 4.0',
  },
  'pytest-dev/pytest': {
    parser: 'pytest',
    versions: '4.4 4.5 4.6 5.0 5.1 5.2 5.3 5.4 6.0 6.2 6.3 7.0 7.1 7.2 7.4 8.0 8.1 8.2 8.3 8.4',
  },
  'scikit-learn/scikit-learn': { parser: 'pytest-v2', versions: '0.20 0.21 0.22 1.3 1.4 1.5 1.6' },
  'sphinx-doc/sphinx': {
    parser: 'pytest-v2',
    versions:
      '1.5 1.6 1.7 1.8 2.0 2.1 2.2 2.3 2.4 3.0 3.1 3.2 3.3 3.4 3.5 4.0 4.1 4.2 4.3 4.4 4.5 5.0 5.1 5.2 5.3 6.0 6.2 7.0 7.1 7.2 7.3 7.4 8.0 8.1',
  },
  'sympy/sympy': { parser: 'sympy', versions: '0.7 1.0 1.1 1.2 1.4 1.5 1.6 1.7 1.8 1.9 1.10 1.11 1.12 1.13 1.14' },
};

describe('the repository/version registry', () => {
  it('maps every repository and version of SWE-bench Lite and Verified to its upstream command and parser', () => {
    const missing: string[] = [];
    for (const [repo, want] of Object.entries(LITE_AND_VERIFIED)) {
      for (const version of want.versions.split(' ')) {
        const spec = sweSpec(repo, version);
        if (!spec.known || spec.parser !== want.parser) missing.push(`${repo}@${version}`);
        expect(getParser(spec.parser)).toBeTypeOf('function');
      }
    }
    expect(missing).toEqual([]);
  });

  it('has the commands upstream runs, per version where they differ', () => {
    expect(sweSpec('django/django', '3.0').cmd).toBe(
      './tests/runtests.py --verbosity 2 --settings=test_sqlite --parallel 1',
    );
    expect(sweSpec('django/django', '1.9').cmd).toBe('./tests/runtests.py --verbosity 2');
    expect(sweSpec('django/django', '2.2').install).toBe('python setup.py install');
    expect(sweSpec('sympy/sympy', '1.12').cmd).toMatch(/bin\/test -C --verbose$/);
    expect(sweSpec('sphinx-doc/sphinx', '7.1').cmd).toBe('tox --current-env -epy39 -v --');
    expect(sweSpec('astropy/astropy', '1.3').cmd).toBe('pytest -rA -vv -o console_output_style=classic --tb=no');
    expect(sweSpec('astropy/astropy', '4.3').cmd).toBe('pytest -rA');
    expect(sweSpec('mwaskom/seaborn', '0.12').cmd).toBe('pytest --no-header -rA');
    // a version the table does not list takes the repository's newest entry; an unknown repository, pytest
    expect(sweSpec('django/django', '9.9')).toMatchObject({
      known: false,
      parser: 'django',
      cmd: sweSpec('django/django', '5.2').cmd,
    });
    expect(sweSpec('acme/widgets', '1.0')).toMatchObject({ known: false, parser: 'pytest' });
    for (const [repo, spec] of Object.entries(SWE_REPOS)) expect(getParser(spec.parser), repo).toBeTypeOf('function');
  });
});

const diff = (...files: string[]) =>
  files.map((f) => `diff --git a/${f} b/${f}\n--- a/${f}\n+++ b/${f}\n@@ -1 +1 @@\n-a\n+b\n`).join('');

describe('test directives from the test patch', () => {
  it('keeps the test files only: data files, templates and docs never reach the command line', () => {
    // flask-4992 adds a TOML file, sphinx tests add roots with .rst files, django-12915 a template
    const patch = diff(
      'tests/test_config.py',
      'tests/static/config.toml',
      'tests/roots/test-x/index.rst',
      'tests/data.csv',
    );
    expect(testDirectives(patch, 'paths')).toEqual(['tests/test_config.py']);
  });

  it('turns Django test files into dotted module labels for runtests.py', () => {
    const patch = diff(
      'tests/staticfiles_tests/test_handlers.py',
      'tests/templates/x.html',
      'tests/auth_tests/models/user.py',
    );
    expect(testDirectives(patch, 'django')).toEqual(['staticfiles_tests.test_handlers', 'auth_tests.models.user']);
  });

  it('builds the test step: the upstream env when present, then the command with the directives', () => {
    const cmd = sweTestCommand(sweSpec('django/django', '3.0'), diff('tests/admin_views/tests.py'));
    expect(cmd.split('\n').at(-1)).toBe(
      './tests/runtests.py --verbosity 2 --settings=test_sqlite --parallel 1 admin_views.tests',
    );
    expect(cmd).toContain('conda activate testbed');
    expect(cmd).toContain('( export PIP_NO_INDEX=1; python -m pip install -e . ) >/tmp/evolve-install.log 2>&1');
  });
});

describe('instances pick their runner by repository and version', () => {
  const base = {
    instance_id: 'django__django-11099',
    repo: 'django/django',
    version: '3.0',
    base_commit: 'd26b2424',
    patch: '',
    test_patch: diff('tests/auth_tests/test_validators.py', 'tests/auth_tests/templates/x.html'),
    problem_statement: 'UsernameValidator allows trailing newline',
    FAIL_TO_PASS: ['test_ascii_validator (auth_tests.test_validators.UsernameValidatorsTests)'],
  };
  it('a Django row runs runtests.py on module labels and is read by the Django parser', () => {
    const task = instanceToTask(SweInstance.parse(base), 'lite');
    expect(task.grader).toMatchObject({ logParser: 'django' });
    const g = task.grader as { testCommand: string };
    expect(g.testCommand.split('\n').at(-1)).toBe(
      './tests/runtests.py --verbosity 2 --settings=test_sqlite --parallel 1 auth_tests.test_validators',
    );
  });
  it('a row may name its own test_command and log_parser; an unknown parser is a load error naming it', () => {
    const task = instanceToTask(SweInstance.parse({ ...base, test_command: 'make check', log_parser: 'pytest' }), 'x');
    expect(task.grader).toMatchObject({ testCommand: 'make check', logParser: 'pytest' });
    const bad = SweInstance.safeParse({ ...base, log_parser: 'junit' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]).toMatchObject({ path: ['log_parser'] });
    expect(bad.error?.issues[0]?.message).toMatch(/unknown log parser "junit" \(known: pytest, .*django, sympy/);
  });
});
