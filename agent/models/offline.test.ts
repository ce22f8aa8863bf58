import { describe, expect, it } from 'vitest';
import { createOfflineModel } from './offline.js';
import type { Message, ModelRequest, ModelResponse, ToolCallPart, ToolDefinition } from './types.js';

// Drives the offline model with realistic histories: its own turns (with their intent markers) followed by
// canned tool results, the way the agent loop would pass them back.

const STATEMENT = `# Task calc__calc-1

mean() is off by one

\`\`\`python
>>> from calc import mean
>>> mean([2, 4])
2.0
\`\`\`

Expected \`3.0\`.

The repository is at /testbed (the working directory of every command).`;

const EDITOR = ['bash', 'view', 'create', 'str_replace', 'insert', 'submit'];
const BASH_ONLY = ['bash', 'submit'];
const SEARCH = [...EDITOR, 'find', 'grep'];

function tools(names: string[]): ToolDefinition[] {
  return names.map((name) => ({ name, description: name, inputSchema: { type: 'object' } }));
}

/** The detailed prompt's hint: check the change (repro and visible tests) before submitting. */
const SYSTEM = 'You are a coding agent. Check the change: rerun your reproduction and the visible tests.';

function request(names: string[], messages: Message[], system = SYSTEM): ModelRequest {
  return { system, messages, tools: tools(names), maxTokens: 1024, purpose: 'agent' };
}

function callOf(response: ModelResponse): ToolCallPart {
  const call = response.content.find((p): p is ToolCallPart => p.type === 'tool_call');
  if (!call) throw new Error(`no tool call in ${JSON.stringify(response.content)}`);
  return call;
}

/** A conversation: each `step(result)` answers the model's last call and asks for the next one. */
async function conversation(names: string[], statement = STATEMENT) {
  const model = createOfflineModel();
  const messages: Message[] = [{ role: 'user', content: statement }];
  let last = await model.generate(request(names, messages));
  return {
    messages,
    get call() {
      return callOf(last);
    },
    async step(content: string, isError = false) {
      const call = callOf(last);
      messages.push({ role: 'assistant', content: last.content });
      messages.push({
        role: 'user',
        content: [{ type: 'tool_result', toolCallId: call.id, content, ...(isError ? { isError } : {}) }],
      });
      last = await model.generate(request(names, messages));
      return callOf(last);
    },
  };
}

const REPRO_BUGGY = 'OUT[1] 2.0\nEVOLVE_REPRO_END\n=== visible tests ===\n3 passed in 0.01s\n[exit code 0]';
const REPRO_FIXED = 'OUT[1] 3.0\nEVOLVE_REPRO_END\n[exit code 0]';
const GREP = '/testbed/calc/stats.py:3:def mean(values):\n/testbed/tests/test_stats.py:9:def mean(x):';
const VIEW = [
  '     3\tdef mean(values):',
  '     4\t    """Arithmetic mean."""',
  '     5\t    total = sum(values)',
  '     6\t    return total / (len(values) + 1)',
  '     7\t',
].join('\n');

describe('offline model: one step at a time', () => {
  it('reproduces first: writes the statement example to /tmp/evolve_repro_<hash>.py and runs it with python3', async () => {
    const c = await conversation(EDITOR);
    expect(c.call.name).toBe('bash');
    const command = (c.call.input as { command: string }).command;
    expect(command).toMatch(/cat > \/tmp\/evolve_repro_\w+\.py <<'EVOLVE_REPRO'/);
    expect(command).toMatch(/PYTHONDONTWRITEBYTECODE=1 python3 \/tmp\/evolve_repro_\w+\.py/);
    expect(command).toContain('mean([2, 4])');
  });

  it('without bash it reproduces with run_tests, and with no way to run code it submits', async () => {
    expect((await conversation(['view', 'str_replace', 'run_tests', 'submit'])).call.name).toBe('run_tests');
    expect((await conversation(['view', 'submit'])).call.name).toBe('submit');
  });

  it('given a traceback it views the deepest project frame, not the test or library frames', async () => {
    const c = await conversation(EDITOR);
    const trace = [
      'Traceback (most recent call last):',
      '  File "/tmp/evolve_repro.py", line 14, in <module>',
      '  File "/testbed/calc/api.py", line 8, in summary',
      '  File "/testbed/calc/stats.py", line 6, in mean',
      '  File "/usr/lib/python3.11/statistics.py", line 300, in fmean',
      'ZeroDivisionError: division by zero',
      'ERR[1]',
      'EVOLVE_REPRO_END',
    ].join('\n');
    const next = await c.step(trace);
    expect(next.name).toBe('view');
    expect(next.input).toMatchObject({ path: '/testbed/calc/stats.py' });
    const { start_line, end_line } = next.input as { start_line: number; end_line: number };
    expect(start_line).toBeLessThanOrEqual(6);
    expect(end_line).toBeGreaterThanOrEqual(6);
  });

  it('without a traceback it greps for the functions the statement names, then views the definition', async () => {
    const c = await conversation(SEARCH);
    const grep = await c.step(REPRO_BUGGY);
    expect(grep).toMatchObject({ name: 'grep', input: { pattern: '(def|class) (mean)\\b', include: '*.py' } });
    const view = await c.step(GREP);
    expect(view).toMatchObject({ name: 'view', input: { path: '/testbed/calc/stats.py', start_line: 3 } });
  });

  it('given the view it proposes a small edit with str_replace, re-runs the repro, and keeps it when the repro passes', async () => {
    const c = await conversation(EDITOR);
    await c.step(REPRO_BUGGY); // bash grep (no grep tool)
    await c.step('./calc/stats.py:3:def mean(values):\n[exit code 0]');
    const edit = await c.step(VIEW);
    expect(edit.name).toBe('str_replace');
    const { old_str, new_str } = edit.input as { old_str: string; new_str: string };
    expect(old_str).toContain('    return total / (len(values) + 1)');
    expect(new_str).toContain('    return total / (len(values))');
    expect((await c.step('Edited calc/stats.py.')).name).toBe('bash'); // re-run
    const tests = await c.step(REPRO_FIXED);
    expect(tests).toMatchObject({ name: 'bash' });
    expect((tests.input as { command: string }).command).toContain('pytest');
    expect((await c.step('3 passed in 0.01s\n[exit code 0]')).name).toBe('submit');
  });

  it('with the editor, reverts a candidate that does not help in its own str_replace, then tries the next', async () => {
    const c = await conversation(EDITOR, STATEMENT.replace('(len(values) + 1)', ''));
    await c.step(REPRO_BUGGY);
    await c.step('./calc/stats.py:3:def mean(values):\n[exit code 0]');
    const first = await c.step(
      [
        '     3\tdef mean(values):',
        '     4\t    if len(values) < limit:',
        '     5\t        return 0.0',
        '     6\t    return sum(values) / (len(values) + 1)',
      ].join('\n'),
    );
    expect(first.name).toBe('str_replace');
    expect((first.input as { new_str: string }).new_str).toContain('if len(values) <= limit:');
    await c.step('Edited.');
    const second = await c.step(REPRO_BUGGY); // no better: revert line 4 first
    expect(second.name).toBe('str_replace');
    expect(second.input).toMatchObject({
      old_str: expect.stringContaining('if len(values) <= limit:'),
      new_str: expect.stringContaining('if len(values) < limit:'),
    });
    const third = await c.step('Edited.');
    expect(third.name).toBe('str_replace');
    // The next candidate, anchored on the file as the revert left it.
    expect((third.input as { old_str: string }).old_str).not.toContain('if len(values) <= limit:');
    expect(third.input).not.toEqual(first.input);
  });

  it('with bash only it views with awk and edits with sed in the same command that re-runs the repro', async () => {
    const c = await conversation(BASH_ONLY);
    const grep = await c.step(REPRO_BUGGY);
    expect((grep.input as { command: string }).command).toContain('grep -rnIE');
    const view = await c.step('./calc/stats.py:3:def mean(values):\n[exit code 0]');
    expect((view.input as { command: string }).command).toMatch(/^awk 'NR>=3 && NR<=83/);
    const edit = await c.step(VIEW);
    expect(edit.name).toBe('bash');
    const command = (edit.input as { command: string }).command;
    expect(command).toMatch(
      /^sed -i '0,\/    return total \\\/ \(len\(values\) \+ 1\)\/s\/\/.*' 'calc\/stats.py' && echo EDIT_OK; PYTHONDONTWRITEBYTECODE=1 python3 \/tmp\/evolve_repro_\w+\.py/,
    );
    const next = await c.step(`EDIT_OK\n${REPRO_FIXED}`);
    expect((next.input as { command: string }).command).toContain('pytest'); // visible tests, then submit
    expect((await c.step('3 passed\n[exit code 0]')).name).toBe('submit');
  });

  it('submits when the step budget is nearly used', async () => {
    const model = createOfflineModel({ maxSteps: 2 });
    const messages: Message[] = [{ role: 'user', content: STATEMENT }];
    const first = await model.generate(request(EDITOR, messages));
    messages.push(
      { role: 'assistant', content: first.content },
      { role: 'user', content: [{ type: 'tool_result', toolCallId: callOf(first).id, content: REPRO_BUGGY }] },
    );
    expect(callOf(await model.generate(request(EDITOR, messages))).name).toBe('submit');
  });
});

describe('offline model: contract', () => {
  const HISTORIES: Array<[string, string[]]> = [
    ['repro', []],
    [
      'trace',
      [
        'Traceback (most recent call last):\n  File "/testbed/calc/stats.py", line 6, in mean\nERR[1]\nEVOLVE_REPRO_END',
      ],
    ],
    ['view', [REPRO_BUGGY, './calc/stats.py:3:def mean(values):', VIEW]],
    ['edited', [REPRO_BUGGY, './calc/stats.py:3:def mean(values):', VIEW, 'Edited.', REPRO_FIXED]],
  ];

  it('only ever calls the tools it is offered, under every tool set', async () => {
    for (const names of [
      EDITOR,
      BASH_ONLY,
      SEARCH,
      ['bash', 'view', 'str_replace', 'run_tests', 'submit', 'write_notes'],
      ['view', 'run_tests', 'submit'],
    ]) {
      for (const [, results] of HISTORIES) {
        const c = await conversation(names);
        const seen = [c.call.name];
        for (const r of results) seen.push((await c.step(r)).name);
        for (const name of seen) expect(names).toContain(name);
      }
    }
  });

  it('is deterministic: same history, same answer (fresh instances and repeated calls)', async () => {
    const c = await conversation(EDITOR);
    await c.step(REPRO_BUGGY);
    await c.step('./calc/stats.py:3:def mean(values):\n[exit code 0]');
    const req = request(EDITOR, [...c.messages]);
    const strip = (r: ModelResponse) => r.content.map((p) => (p.type === 'tool_call' ? { ...p, id: '' } : p));
    const a = await createOfflineModel().generate(req);
    const b = await createOfflineModel().generate(req);
    const again = await createOfflineModel().generate(structuredClone(req));
    expect(strip(a)).toEqual(strip(b));
    expect(strip(a)).toEqual(strip(again));
    expect(a.usage).toEqual({});
    expect(a.modelId).toBe('offline');
  });

  it('params.seed only reorders equally ranked candidates, deterministically', async () => {
    const firstEdit = async (seed: number) => {
      const model = createOfflineModel({ seed });
      const messages: Message[] = [{ role: 'user', content: STATEMENT }];
      for (const result of [
        REPRO_BUGGY,
        './calc/stats.py:3:def mean(values):\n[exit code 0]',
        VIEW.replace('sum(values)', 'sum(values, 1 + 2 - 3)'),
      ]) {
        const r = await model.generate(request(EDITOR, messages));
        messages.push(
          { role: 'assistant', content: r.content },
          { role: 'user', content: [{ type: 'tool_result', toolCallId: callOf(r).id, content: result }] },
        );
      }
      return JSON.stringify(callOf(await model.generate(request(EDITOR, messages))).input);
    };
    const seeds = await Promise.all([0, 1, 2, 3, 4, 5].map(firstEdit));
    expect(await firstEdit(3)).toBe(seeds[3]);
    expect(new Set(seeds).size).toBeGreaterThan(1);
  });

  it('rebuilds its state from the messages: a history cut to the task starts over', async () => {
    const c = await conversation(EDITOR);
    await c.step(REPRO_BUGGY);
    await c.step('./calc/stats.py:3:def mean(values):\n[exit code 0]');
    const windowed = request(EDITOR, [c.messages[0] as Message]);
    expect(callOf(await createOfflineModel().generate(windowed)).input).toMatchObject({
      command: expect.stringContaining('/tmp/evolve_repro_'),
    });
  });

  it('with a notes tool it writes the tried candidates into its notes, and pinned notes stop it retrying them', async () => {
    const names = [...EDITOR, 'write_notes'];
    const c = await conversation(names);
    await c.step(REPRO_BUGGY);
    await c.step('./calc/stats.py:3:def mean(values):\n[exit code 0]');
    let call = await c.step(VIEW.replace('(len(values) + 1)', '(len(values) + 1) * 1'));
    const firstTry = JSON.stringify(call.input);
    for (let i = 0; i < 12 && call.name !== 'write_notes'; i++)
      call = await c.step(call.name === 'str_replace' ? 'Edited.' : `EDIT_OK\n${REPRO_BUGGY}`);
    expect(call.name).toBe('write_notes');
    const text = (call.input as { text: string }).text;
    expect(text).toContain('offline-carry');
    const pinned = await conversation(names, `${STATEMENT}\n\n## Your notes (write_notes replaces them)\n${text}`);
    await pinned.step(REPRO_BUGGY);
    await pinned.step('./calc/stats.py:3:def mean(values):\n[exit code 0]');
    const retry = await pinned.step(VIEW.replace('(len(values) + 1)', '(len(values) + 1) * 1'));
    expect(JSON.stringify(retry.input)).not.toBe(firstTry);
  });

  it('answers plan and summarize calls with text; a summary carries the candidates already tried', async () => {
    const c = await conversation(EDITOR);
    await c.step(REPRO_BUGGY);
    await c.step('./calc/stats.py:3:def mean(values):\n[exit code 0]');
    await c.step(VIEW);
    await c.step('Edited.'); // the first candidate's turn is now in the history
    const model = createOfflineModel();
    const plan = await model.generate({ ...request([], [{ role: 'user', content: STATEMENT }]), purpose: 'plan' });
    expect(plan.content[0]).toMatchObject({ type: 'text', text: expect.stringContaining('Reproduce') });
    const turns = c.messages
      .slice(1)
      .map((m) => (m.role === 'assistant' ? m.content.map((p) => (p.type === 'text' ? p.text : '')).join('\n') : ''))
      .join('\n');
    const folded = await model.generate({
      ...request([], [{ role: 'user', content: `${STATEMENT}\n\n## Steps to fold in\n${turns}` }]),
      purpose: 'summarize',
    });
    const summary = folded.content[0]?.type === 'text' ? folded.content[0].text : '';
    expect(summary).toContain('offline-carry');
    // With the summary pinned and the turns gone, the same first candidate is not tried again.
    const pinned = `${STATEMENT}\n\n## Summary of earlier steps\n${summary}`;
    const again = await conversation(EDITOR, pinned);
    await again.step(REPRO_BUGGY);
    await again.step('./calc/stats.py:3:def mean(values):\n[exit code 0]');
    const edit = await again.step(VIEW);
    expect(
      (edit.input as { new_str?: string; command?: string }).new_str ?? (edit.input as { command: string }).command,
    ).not.toContain('return total / (len(values))\n');
  });
});
