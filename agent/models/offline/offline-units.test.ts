import { describe, expect, it } from 'vitest';
import { REPRO_RERUN_TIMEOUT_SEC, toCall } from './actions.js';
import { rebuild } from './history.js';
import { mutateLine } from './mutations.js';
import { extractFrames, reproScript, scoreScript } from './repro.js';
import { parseStatement } from './statement.js';

const STATEMENT = `truncate() returns strings one too long

\`\`\`python
>>> from textkit import truncate
>>> s = truncate("Organic semi-skimmed milk 2L", 24)
>>> s, len(s)
('Organic semi-skimmed m...', 25)
\`\`\`

Expected: at most 24 characters, e.g. \`'Organic semi-skimmed...'\`. Short text (\`truncate("ab", 5)\` -> \`'ab'\`) should still be unchanged.
`;

describe('offline statement reading', () => {
  it('turns doctest lines into snippets with the shown output, and finds expected values and names', () => {
    const s = parseStatement(STATEMENT);
    expect(s.snippets.map((x) => x.source)).toEqual([
      'from textkit import truncate',
      's = truncate("Organic semi-skimmed milk 2L", 24)',
      's, len(s)',
      'truncate("ab", 5)',
    ]);
    expect(s.snippets[2]?.shown).toBe("('Organic semi-skimmed m...', 25)");
    expect(s.snippets[3]?.expected).toBe("'ab'");
    expect(s.expected).toContain("'Organic semi-skimmed...'");
    expect(s.names).toEqual(['truncate']);
    expect(s.script).toBe(false);
  });

  it('takes bare expected values and data files the examples open', () => {
    const s = parseStatement(
      '```ini\n[a]\nx = 1\n```\n\n```python\n>>> cfg = load(open("app.ini"))\n>>> cfg.port\n8080\n```\n\nExpected 9000, not 20% off.',
    );
    expect(s.expected).toEqual(['9000']);
    expect(s.files).toEqual({ 'app.ini': '[a]\nx = 1\n' });
  });

  it('scores a run: expected values reached, shown (buggy) outputs gone, errors', () => {
    const s = parseStatement(STATEMENT);
    const buggy = scoreScript("OUT[2] ('Organic semi-skimmed m...', 25)\nOUT[3] 'ab'\nEVOLVE_REPRO_END\n", s);
    const fixed = scoreScript("OUT[2] ('Organic semi-skimmed...', 23)\nOUT[3] 'ab'\nEVOLVE_REPRO_END\n", s);
    const crashed = scoreScript("Traceback...\nERR[1]\nERR[2]\nOUT[3] 'ab'\nEVOLVE_REPRO_END\n", s);
    expect(buggy.fixed).toBe(false);
    expect(fixed.fixed).toBe(true);
    expect(crashed.vector[0]).toBeLessThan(buggy.vector[0] ?? 0);
    expect(reproScript(s)).toContain('"single"');
  });

  it('keeps traceback frames in project source only, deepest first', () => {
    const out = [
      'Traceback (most recent call last):',
      '  File "/tmp/evolve_repro.py", line 14, in <module>',
      '  File "<repro-1>", line 1, in <module>',
      '  File "/testbed/pkg/api.py", line 10, in run',
      '  File "/testbed/pkg/core.py", line 42, in compute',
      '  File "/usr/lib/python3.11/json/__init__.py", line 346, in loads',
      '  File "/testbed/tests/test_core.py", line 3, in helper',
    ].join('\n');
    expect(extractFrames(out)).toEqual([
      { path: '/testbed/pkg/core.py', line: 42, func: 'compute' },
      { path: '/testbed/pkg/api.py', line: 10, func: 'run' },
    ]);
  });
});

describe('offline candidate edits', () => {
  it('tries the boundary comparison first, then the stray ±1', () => {
    const m = mutateLine('        elif len(current) + 1 + len(word) < width:');
    expect(m[0]).toMatchObject({
      text: '        elif len(current) + 1 + len(word) <= width:',
      kind: 'comparison-boundary',
    });
    expect(m.map((x) => x.text)).toContain('        elif len(current) + len(word) < width:');
  });

  it('covers the classic mutations and never touches strings or comments', () => {
    const texts = (line: string, ctx = {}) => mutateLine(line, ctx).map((m) => m.text);
    expect(texts('    return text[: width - 1] + "<a>" # < b')).toEqual(
      expect.arrayContaining([
        '    return text[: width] + "<a>" # < b',
        '    return text[: width - 1 + 1] + "<a>" # < b',
      ]),
    );
    expect(texts('    return text[: width - 1] + "<a>" # < b').every((t) => t.includes('"<a>" # < b'))).toBe(true);
    expect(texts('    for i in range(len(xs) - k):')).toEqual(
      expect.arrayContaining(['    for i in range(len(xs) - k + 1):', '    for i in range(len(xs) - k - 1):']),
    );
    expect(texts('    for i in range(1, n):')).toContain('    for i in range(1, n + 1):');
    expect(texts('    if a and b:')).toContain('    if a or b:');
    expect(texts('    if x is None:')).toContain('    if x is not None:');
    expect(texts('    return pow(base, exp)')).toContain('    return pow(exp, base)');
    expect(texts('    total = price - discount')).toContain('    total = price + discount');
    expect(texts('    if not done:')).toContain('    if done:');
    expect(texts('    return node.value', { noneGuard: true })[0]).toBe(
      '    if node is None:\n        return None\n    return node.value',
    );
    expect(texts('    return lo', { scopeNames: ['lo', 'hi'] })).toContain('    return hi');
    expect(texts('def f(a, b):')).toEqual([]);
  });
});

describe('offline reruns of the reproduction', () => {
  it('give a rerun of the repro script 30 s (a candidate that loops costs that, not the bash tool 120 s)', () => {
    const statement = parseStatement(STATEMENT);
    const state = { ...rebuild([], statement), reproKind: 'script' as const };
    const edit = { path: 'textkit/core.py', line: 3, old: 'n - 3', new: 'n - 2' };
    const tools = new Set(['bash', 'submit']);
    expect(REPRO_RERUN_TIMEOUT_SEC).toBe(30);
    expect(toCall({ a: 'run' }, state, statement, tools)?.input).toMatchObject({ timeout_sec: 30 });
    // bash alone edits and reruns in one call: the same bound; an edit without a rerun keeps the tool's own.
    const both = toCall({ a: 'edit', ops: [edit], withRun: true }, state, statement, tools);
    expect(both?.input).toMatchObject({ timeout_sec: 30, command: expect.stringContaining('evolve_repro') });
    expect(toCall({ a: 'edit', ops: [edit] }, state, statement, tools)?.input).not.toHaveProperty('timeout_sec');
    // The first run writes the script and runs the visible tests too: the tool's own timeout.
    expect(toCall({ a: 'repro', kind: 'script' }, state, statement, tools)?.input).not.toHaveProperty('timeout_sec');
    // A test command or pytest as the reproduction may legitimately take longer: the tool's own timeout.
    const pytest = { ...state, reproKind: 'pytest' as const };
    expect(toCall({ a: 'run' }, pytest, statement, tools)?.input).not.toHaveProperty('timeout_sec');
  });
});
