import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create as bashOnly } from '../policies/tools/bash-only.js';
import { create as editor } from '../policies/tools/editor.js';
import { create as search, params as searchParams } from '../policies/tools/search.js';
import { testTask } from '../testing/fixtures.js';
import { TempDirSandbox } from '../testing/temp-sandbox.js';
import type { Tool, ToolContext, ToolResult } from './define.js';
import { truncateMiddle } from './truncate.js';

let sandbox: TempDirSandbox;
let ctx: ToolContext;
beforeAll(async () => {
  sandbox = await TempDirSandbox.create({
    'pkg/slug.py': 'def slugify(text):\n    return text.lower().replace(" ", "-")\n',
    'pkg/other.py': 'X = 1\nX = 1\n',
    'tests/test_slug.py': 'from pkg.slug import slugify\n',
  });
  ctx = {
    sandbox,
    task: testTask(sandbox.workdir, { visibleTestCommand: 'echo 2 passed; exit 1' }),
    remainingMs: () => 600_000,
  };
});
afterAll(async () => sandbox.dispose());

const defaults = searchParams.parse({});
const tools = () => new Map(search(defaults, ctx.task).map((t) => [t.id, t]));
async function call(name: string, args: unknown): Promise<ToolResult> {
  const outcome = await tools().get(name)!.run(args, ctx);
  if (outcome.kind !== 'ok') throw new Error(outcome.message);
  return outcome.result;
}

describe('toolsets', () => {
  it('have the fixed tool names; run_tests only with a visible test command; submit always', () => {
    const names = (list: Tool[]) => list.map((t) => t.id);
    expect(names(bashOnly(defaults, ctx.task))).toEqual(['bash', 'run_tests', 'submit']);
    expect(names(editor(defaults, ctx.task))).toEqual([
      'bash',
      'view',
      'create',
      'str_replace',
      'insert',
      'run_tests',
      'submit',
    ]);
    expect(names(search(defaults, ctx.task))).toEqual([
      'bash',
      'view',
      'create',
      'str_replace',
      'insert',
      'find',
      'grep',
      'run_tests',
      'submit',
    ]);
    expect(names(bashOnly(defaults, { ...ctx.task, visibleTestCommand: undefined }))).toEqual(['bash', 'submit']);
  });

  it('publish the JSON schema the providers receive, with the fixed argument names', () => {
    const schemas = Object.fromEntries([...tools()].map(([id, t]) => [id, t.definition.inputSchema]));
    const props = (id: string) => Object.keys((schemas[id] as { properties: object }).properties);
    const required = (id: string) => (schemas[id] as { required?: string[] }).required ?? [];
    expect(props('bash')).toEqual(['command', 'timeout_sec']);
    expect(required('bash')).toEqual(['command']);
    expect(props('view')).toEqual(['path', 'start_line', 'end_line']);
    expect(props('create')).toEqual(['path', 'content']);
    expect(props('str_replace')).toEqual(['path', 'old_str', 'new_str']);
    expect(props('insert')).toEqual(['path', 'insert_line', 'text']);
    expect(props('find')).toEqual(['pattern', 'path']);
    expect(props('grep')).toEqual(['pattern', 'path', 'include']);
    expect(props('run_tests')).toEqual([]);
    expect(props('submit')).toEqual([]);
    expect(schemas.view).toMatchObject({
      type: 'object',
      properties: { path: { type: 'string' } },
      required: ['path'],
    });
    expect(schemas.view).not.toHaveProperty('$schema');
  });
});

describe('file tools', () => {
  it('view shows numbered lines and ranges; a directory is listed; a missing file is an error result', async () => {
    expect((await call('view', { path: 'pkg/slug.py' })).output).toBe(
      '     1\tdef slugify(text):\n     2\t    return text.lower().replace(" ", "-")',
    );
    expect((await call('view', { path: 'pkg/slug.py', start_line: 2, end_line: 2 })).output).toMatch(
      /^\s+2\t {4}return/,
    );
    expect((await call('view', { path: 'pkg' })).output).toContain('pkg/other.py');
    expect(await call('view', { path: 'nope.py' })).toMatchObject({
      isError: true,
      output: expect.stringContaining('does not exist'),
    });
  });

  it('create writes a file (with parent dirs); str_replace edits a unique match; insert adds lines', async () => {
    await call('create', { path: 'new/dir/a.txt', content: 'one\nthree\n' });
    await call('insert', { path: 'new/dir/a.txt', insert_line: 1, text: 'two' });
    expect(await sandbox.readFile(`${sandbox.workdir}/new/dir/a.txt`)).toBe('one\ntwo\nthree\n');
    const edited = await call('str_replace', { path: 'new/dir/a.txt', old_str: 'two', new_str: 'TWO' });
    expect(edited.output).toContain('2\tTWO');
    expect(edited.display).toContain('+TWO');
    expect(await sandbox.readFile(`${sandbox.workdir}/new/dir/a.txt`)).toBe('one\nTWO\nthree\n');
  });

  it('str_replace refuses a missing or ambiguous old_str without changing the file', async () => {
    expect(await call('str_replace', { path: 'pkg/other.py', old_str: 'X = 1', new_str: 'X = 2' })).toMatchObject({
      isError: true,
      output: expect.stringContaining('occurs 2 times'),
    });
    expect(await call('str_replace', { path: 'pkg/other.py', old_str: 'Y', new_str: 'Z' })).toMatchObject({
      isError: true,
      output: expect.stringContaining('not found'),
    });
    expect(await sandbox.readFile(`${sandbox.workdir}/pkg/other.py`)).toBe('X = 1\nX = 1\n');
  });

  it('viewing or editing a file runs no command (each is a sandbox round trip); only a failed read probes the path', async () => {
    const execs: string[] = [];
    const exec = sandbox.exec.bind(sandbox);
    sandbox.exec = (command, options) => (execs.push(command), exec(command, options));
    try {
      await call('view', { path: 'pkg/slug.py' });
      await call('str_replace', { path: 'pkg/slug.py', old_str: 'lower()', new_str: 'casefold()' });
      await call('insert', { path: 'pkg/slug.py', insert_line: 0, text: '# slugs' });
      expect(execs).toEqual([]);
      expect(await call('str_replace', { path: 'pkg', old_str: 'a', new_str: 'b' })).toEqual({
        output: `Error: ${sandbox.workdir}/pkg is a directory.`,
        isError: true,
      });
      expect(await call('insert', { path: 'gone.py', insert_line: 0, text: 'x' })).toEqual({
        output: `Error: ${sandbox.workdir}/gone.py does not exist. Use \`create\` to make a new file.`,
        isError: true,
      });
      expect(execs).toHaveLength(2);
    } finally {
      sandbox.exec = exec;
      await sandbox.writeFile(
        `${sandbox.workdir}/pkg/slug.py`,
        'def slugify(text):\n    return text.lower().replace(" ", "-")\n',
      );
    }
  });

  it('bad arguments come back as data naming the argument, and nothing runs', async () => {
    const outcome = await tools().get('str_replace')!.run({ path: 'pkg/other.py', old_str: 'X' }, ctx);
    expect(outcome).toEqual({ kind: 'bad_args', message: 'str_replace: argument `new_str` is required' });
    const wrongType = await tools().get('insert')!.run({ path: 'a', insert_line: 'two', text: 'x' }, ctx);
    expect(wrongType.kind === 'bad_args' && wrongType.message).toContain('argument `insert_line`: expected number');
  });
});

describe('search tools', () => {
  it('find and grep search the workspace with bounded output', async () => {
    expect((await call('find', { pattern: '*.py' })).output).toContain('pkg/slug.py');
    const grep = await call('grep', { pattern: 'def slug', include: '*.py' });
    expect(grep.output).toMatch(/pkg\/slug\.py:1:def slugify/);
    expect((await call('grep', { pattern: 'no_such_thing_anywhere' })).output).toContain('No matches');
    const few = new Map(search({ ...defaults, maxMatches: 1 }, ctx.task).map((t) => [t.id, t]));
    const bounded = await few.get('find')!.run({ pattern: '*.py' }, ctx);
    expect(bounded.kind === 'ok' && bounded.result.output).toMatch(/more matches/);
  });
});

describe('commands', () => {
  it('bash reports the exit code; run_tests runs the visible test command', async () => {
    expect(await call('bash', { command: 'echo hi; exit 4' })).toMatchObject({
      exitCode: 4,
      output: 'hi\n[exit code 4]',
    });
    expect(await call('run_tests', {})).toMatchObject({ exitCode: 1, output: expect.stringContaining('2 passed') });
  });

  it('long output is cut head + tail with a marker', async () => {
    const small = new Map(bashOnly({ timeoutSec: 10, maxOutputChars: 200 }, ctx.task).map((t) => [t.id, t]));
    const outcome = await small.get('bash')!.run({ command: 'seq 1 5000' }, ctx);
    if (outcome.kind !== 'ok') throw new Error('expected ok');
    expect(outcome.result.truncated).toBe(true);
    expect(outcome.result.output).toMatch(/^1\n2\n/);
    expect(outcome.result.output).toContain('5000\n');
    expect(outcome.result.output).toMatch(/characters omitted/);
  });

  it('a command never gets more time than the run has left', async () => {
    const started = Date.now();
    const r = await tools()
      .get('bash')!
      .run({ command: 'sleep 5' }, { ...ctx, remainingMs: () => 300 });
    expect(r.kind === 'ok' && r.result.timedOut).toBe(true);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('truncateMiddle keeps short text and cuts long text to about the limit', () => {
    expect(truncateMiddle('abc', 10)).toEqual({ text: 'abc', truncated: false });
    const cut = truncateMiddle('x'.repeat(100) + 'END', 20);
    expect(cut.truncated).toBe(true);
    expect(cut.text.startsWith('x'.repeat(10))).toBe(true);
    expect(cut.text.endsWith('END')).toBe(true);
  });
});
