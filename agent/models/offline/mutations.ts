// Candidate edits for one line of Python: the small, classic bug-fix mutations (boundary comparisons, ±1,
// operators, boolean connectives, swapped arguments, None guards, a same-scope variable). Only code outside
// string literals and comments is touched. Lower priority numbers are tried first.

export interface Mutation {
  text: string;
  kind: string;
  priority: number;
}

export interface LineContext {
  /** Names assigned or bound in the enclosing function (for wrong-variable candidates). */
  scopeNames?: string[];
  /** The failure mentioned NoneType on this line: try `if x is None` guards first. */
  noneGuard?: boolean;
}

/** true at each index that is inside a string literal or a comment. */
export function codeMask(line: string): boolean[] {
  const masked = new Array<boolean>(line.length).fill(false);
  let i = 0;
  while (i < line.length) {
    const ch = line[i];
    if (ch === '#') {
      masked.fill(true, i);
      break;
    }
    if (ch === '"' || ch === "'") {
      const triple = line.startsWith(ch.repeat(3), i);
      const quote = triple ? ch.repeat(3) : ch;
      let j = i + quote.length;
      while (j < line.length && !line.startsWith(quote, j)) j += line[j] === '\\' ? 2 : 1;
      const end = Math.min(line.length, j + quote.length);
      masked.fill(true, i, end);
      i = end;
      continue;
    }
    i++;
  }
  return masked;
}

const KEYWORDS = new Set(
  'and or not is in if elif else for while return def class lambda None True False import from as with try except finally raise pass break continue yield global nonlocal assert del await async print len self'.split(
    ' ',
  ),
);

function replaceAt(line: string, start: number, end: number, text: string): string {
  return line.slice(0, start) + text + line.slice(end);
}

/** Every match of re whose whole span is code (not string or comment). */
function* codeMatches(line: string, mask: boolean[], re: RegExp): Generator<RegExpExecArray> {
  const global = new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`);
  for (let m = global.exec(line); m; m = global.exec(line)) {
    if (m[0].length === 0) global.lastIndex++;
    else if (!mask.slice(m.index, m.index + m[0].length).some(Boolean)) yield m;
  }
}

/** Top-level argument spans of the parenthesised group starting at `open`. */
function argSpans(line: string, open: number): Array<[number, number]> | undefined {
  const spans: Array<[number, number]> = [];
  let depth = 0;
  let start = open + 1;
  const mask = codeMask(line);
  for (let i = open; i < line.length; i++) {
    if (mask[i]) continue;
    const ch = line[i];
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') {
      depth--;
      if (depth === 0) {
        spans.push([start, i]);
        return spans;
      }
    } else if (ch === ',' && depth === 1) {
      spans.push([start, i]);
      start = i + 1;
    }
  }
  return undefined;
}

export function mutateLine(line: string, ctx: LineContext = {}): Mutation[] {
  const trimmed = line.trim();
  if (trimmed === '' || /^(#|def |class |import |from |@|"""|''')/.test(trimmed)) return [];
  const mask = codeMask(line);
  const out: Mutation[] = [];
  const add = (text: string, kind: string, priority: number) => {
    if (text !== line && !out.some((m) => m.text === text)) out.push({ text, kind, priority });
  };
  const indent = /^\s*/.exec(line)?.[0] ?? '';

  if (ctx.noneGuard) {
    for (const m of codeMatches(line, mask, /\b([A-Za-z_]\w*)(?=\.\w|\[)/)) {
      const name = m[1] ?? '';
      if (!KEYWORDS.has(name)) add(`${indent}if ${name} is None:\n${indent}    return None\n${line}`, 'none-guard', 0);
    }
  }
  // Boundary comparisons first: the most common off-by-one.
  for (const m of codeMatches(line, mask, /(?<![<>=!-])(<=|>=|<|>)(?![<>=])/)) {
    const flip = { '<': '<=', '<=': '<', '>': '>=', '>=': '>' }[m[1] ?? ''] ?? '';
    add(replaceAt(line, m.index, m.index + m[0].length, flip), 'comparison-boundary', 1);
  }
  // A stray or missing ±1 term.
  for (const m of codeMatches(line, mask, /\s*[+-]\s*1(?![\w.])/)) {
    if (/[\w)\]]\s*$/.test(line.slice(0, m.index)))
      add(replaceAt(line, m.index, m.index + m[0].length, ''), 'drop-plus-minus-1', 2);
  }
  for (const m of codeMatches(line, mask, /(?<![\w.])\d+(?![\w.])/)) {
    const before = line.slice(0, m.index);
    if (m[0] === '1' && /[+-]\s*$/.test(before)) continue; // covered by the drop above
    const n = Number(m[0]);
    add(replaceAt(line, m.index, m.index + m[0].length, String(n + 1)), 'constant', 2);
    if (n > 0) add(replaceAt(line, m.index, m.index + m[0].length, String(n - 1)), 'constant', 2);
  }
  for (const m of codeMatches(line, mask, /(?<=[\w)\]'"]\s*)([+-])(=?)(?=\s*[\w(['"])/)) {
    add(replaceAt(line, m.index, m.index + 1, m[1] === '+' ? '-' : '+'), 'arithmetic', 3);
  }
  // Slice bounds and range ends, one either way.
  for (const m of codeMatches(line, mask, /\[([^\[\]:]*):([^\[\]:]*)\]/)) {
    for (const [group, offset] of [
      [m[1] ?? '', 1],
      [m[2] ?? '', 2 + (m[1] ?? '').length],
    ] as const) {
      if (group.trim() === '') continue;
      const start = m.index + offset;
      for (const delta of [' + 1', ' - 1'])
        add(
          replaceAt(
            line,
            start,
            start + group.length,
            `${group.trimEnd()}${delta}${group.slice(group.trimEnd().length)}`,
          ),
          'slice-bound',
          3,
        );
    }
  }
  for (const m of codeMatches(line, mask, /\brange\(/)) {
    const spans = argSpans(line, m.index + m[0].length - 1);
    const stop = spans?.[spans.length === 1 ? 0 : 1];
    if (!stop) continue;
    const arg = line.slice(stop[0], stop[1]);
    for (const delta of [' + 1', ' - 1'])
      add(
        replaceAt(line, stop[0], stop[1], `${arg.trimEnd()}${delta}${arg.slice(arg.trimEnd().length)}`),
        'range-bound',
        3,
      );
  }
  for (const m of codeMatches(line, mask, /==|!=/))
    add(replaceAt(line, m.index, m.index + 2, m[0] === '==' ? '!=' : '=='), 'equality', 4);
  for (const m of codeMatches(line, mask, /(?<![<>=!-])(<=|>=|<|>)(?![<>=])/)) {
    const flip = { '<': '>', '<=': '>=', '>': '<', '>=': '<=' }[m[1] ?? ''] ?? '';
    add(replaceAt(line, m.index, m.index + m[0].length, flip), 'comparison-direction', 4);
  }
  for (const m of codeMatches(line, mask, /\b(and|or)\b/))
    add(replaceAt(line, m.index, m.index + m[0].length, m[0] === 'and' ? 'or' : 'and'), 'connective', 4);
  for (const m of codeMatches(line, mask, /\bis not\b|\bis\b(?! not)|\bnot in\b|(?<!not )\bin\b(?=.*:?)/)) {
    if (m[0] === 'in' && /\bfor\s+[\w\s,()]+$/.test(line.slice(0, m.index))) continue; // loop syntax, not a test
    const flip = { 'is not': 'is', is: 'is not', 'not in': 'in', in: 'not in' }[m[0]] ?? m[0];
    add(replaceAt(line, m.index, m.index + m[0].length, flip), 'membership', 4);
  }
  for (const m of codeMatches(line, mask, /\bnot\s+(?!in\b)/))
    add(replaceAt(line, m.index, m.index + m[0].length, ''), 'drop-not', 4);
  for (const m of codeMatches(line, mask, /^(\s*(?:if|elif|while)\s+)(?!not\b)/))
    add(replaceAt(line, m.index, m.index + m[0].length, `${m[1]}not `), 'add-not', 4);
  for (const m of codeMatches(line, mask, /\b(True|False|min|max)\b/)) {
    const flip = { True: 'False', False: 'True', min: 'max', max: 'min' }[m[0]] ?? m[0];
    add(replaceAt(line, m.index, m.index + m[0].length, flip), 'swap-constant', 4);
  }
  for (const m of codeMatches(line, mask, /\b[A-Za-z_][\w.]*\(/)) {
    const spans = argSpans(line, m.index + m[0].length - 1);
    if (!spans || spans.length < 2) continue;
    for (let k = 0; k + 1 < spans.length; k++) {
      const [a0, a1] = spans[k] ?? [0, 0];
      const [b0, b1] = spans[k + 1] ?? [0, 0];
      const a = line.slice(a0, a1);
      const b = line.slice(b0, b1);
      if (a.includes('=') || b.includes('=') || a.includes('*') || b.includes('*')) continue;
      add(
        line.slice(0, a0) +
          b.replace(/^\s*/, a.match(/^\s*/)?.[0] ?? '') +
          line.slice(a1, b0) +
          a.replace(/^\s*/, b.match(/^\s*/)?.[0] ?? '') +
          line.slice(b1),
        'swap-arguments',
        5,
      );
    }
  }
  // Wrong variable of the same scope: bounded, last resort.
  const scope = (ctx.scopeNames ?? []).filter((n) => !KEYWORDS.has(n));
  let varSwaps = 0;
  for (const m of codeMatches(line, mask, /(?<![\w.])[A-Za-z_]\w*(?![\w(])/)) {
    const assigned = /^\s*[+-]?=(?!=)/.test(line.slice(m.index + m[0].length));
    if (!scope.includes(m[0]) || assigned) continue;
    for (const other of scope) {
      if (other === m[0] || varSwaps >= 6) continue;
      add(replaceAt(line, m.index, m.index + m[0].length, other), 'wrong-variable', 6);
      varSwaps++;
    }
  }
  return out;
}

/** Names a function binds: parameters and assignment targets (for wrong-variable candidates). */
export function scopeNamesOf(lines: string[]): string[] {
  const names = new Set<string>();
  for (const line of lines) {
    const def = /^\s*def\s+\w+\((.*)\)/.exec(line);
    if (def) for (const p of (def[1] ?? '').split(',')) names.add(p.split(/[=:]/)[0]?.replace(/\*/g, '').trim() ?? '');
    const assign = /^\s*([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s*[+-]?=(?!=)/.exec(line);
    if (assign) for (const n of (assign[1] ?? '').split(',')) names.add(n.trim());
    const loop = /^\s*for\s+([\w\s,]+)\s+in\b/.exec(line);
    if (loop) for (const n of (loop[1] ?? '').split(',')) names.add(n.trim());
  }
  names.delete('');
  names.delete('self');
  return [...names];
}
