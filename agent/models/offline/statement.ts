// Reads the task statement the way a careful user would: code examples (doctest or script), the values the
// reporter says they expected, the identifiers they name, and a test command if one is mentioned.
// Everything here comes from text the agent was shown; nothing is read from disk.

export interface Snippet {
  /** Python source of one `>>>` statement (continuations joined), or a whole script block. */
  source: string;
  /** What the reporter showed as output (usually the buggy result); undefined when none was shown. */
  shown?: string;
  /** A value the reporter says this call should produce (from an inline "`call` -> `value`"). */
  expected?: string;
}

export interface Statement {
  text: string;
  snippets: Snippet[];
  /** True when the snippets came from a plain script block rather than `>>>` lines. */
  script: boolean;
  /** Backticked values the prose says are expected ("Expected `'abc'`", "should be `[1, 2]`"). */
  expected: string[];
  /** Identifiers the statement names (functions, classes), in order of first mention. */
  names: string[];
  testCommand?: string;
  /** Data files the examples open (`open("app.ini")`), filled from the statement's non-code blocks. */
  files: Record<string, string>;
}

const EXPECT_WORDS = /expect|should|instead|want|correct|supposed|still|ought|desired/i;
const NOT_NAMES = new Set(
  (
    'print len str int float list dict set tuple repr sorted range type isinstance bool min max sum abs any all ' +
    'open map filter zip enumerate reversed round format object super self cls None True False import from as ' +
    'return def class if else elif for while in is not and or lambda with try except raise assert pass yield ' +
    'python python3 pytest pip e g i s'
  ).split(' '),
);

interface Block {
  lang: string;
  body: string;
}

function splitFences(text: string): { blocks: Block[]; prose: string } {
  const blocks: Block[] = [];
  const prose = text.replace(/```([\w+-]*)[^\n]*\n([\s\S]*?)```/g, (_m, lang: string, body: string) => {
    blocks.push({ lang: lang.toLowerCase(), body });
    return '\n';
  });
  return { blocks, prose };
}

/** `>>>` lines become snippets; the lines after each (until the next prompt or a blank) are its shown output. */
function doctestSnippets(body: string): Snippet[] {
  const out: Snippet[] = [];
  let current: { src: string[]; shown: string[] } | undefined;
  const flush = () => {
    if (!current) return;
    const shown = current.shown.join('\n').trim();
    out.push(shown ? { source: current.src.join('\n'), shown } : { source: current.src.join('\n') });
    current = undefined;
  };
  for (const line of body.split('\n')) {
    if (line.startsWith('>>>')) {
      flush();
      current = { src: [line.slice(4)], shown: [] };
    } else if (line.startsWith('...') && current && current.shown.length === 0) {
      current.src.push(line.slice(4));
    } else if (current && line.trim() !== '') {
      current.shown.push(line);
    } else flush();
  }
  flush();
  return out;
}

function looksLikePython(block: Block): boolean {
  if (
    [
      'bash',
      'sh',
      'shell',
      'console',
      'text',
      'txt',
      'diff',
      'json',
      'yaml',
      'yml',
      'toml',
      'ini',
      'cfg',
      'conf',
      'csv',
      'gitignore',
    ].includes(block.lang)
  )
    return false;
  const body = block.body.trimStart();
  if (body.startsWith('Traceback') || body.startsWith('$ ') || /^\[[\w. -]+\]\s*$/m.test(body)) return false; // ini sections
  return /^(>>>|import |from |print\(|[\w.]+\s*=|[\w.]+\()/m.test(body);
}

function isCall(span: string): boolean {
  return /^[A-Za-z_][\w.]*\(.*\)$/s.test(span.trim());
}

function isValue(span: string): boolean {
  const s = span.trim();
  if (s === '' || isCall(s) || (/[<>]=?\s*\w/.test(s) && !/^['"[({]/.test(s))) return false;
  return /^(['"[({\d-]|True|False|None)/.test(s) || /^[\w-]+$/.test(s);
}

function collectNames(sources: string[], into: string[]): void {
  const add = (n: string) => {
    if (!NOT_NAMES.has(n) && !into.includes(n) && n.length > 1) into.push(n);
  };
  for (const src of sources) {
    const imported = /^\s*from\s+[\w.]+\s+import\s+\(?([\w\s,]+)\)?/gm;
    for (const m of src.matchAll(imported)) for (const n of (m[1] ?? '').split(/[\s,]+/)) if (n) add(n);
    for (const m of src.matchAll(/([A-Za-z_][\w.]*)\s*\(/g)) add((m[1] ?? '').split('.').pop() ?? '');
  }
}

/** Files the snippets open by name, each given the first unused data block of a fitting language. */
function dataFiles(blocks: Block[], snippets: Snippet[]): Record<string, string> {
  const data = blocks.filter(
    (b) =>
      !looksLikePython(b) &&
      !['bash', 'sh', 'shell', 'console', 'diff', 'python', 'py', 'pycon'].includes(b.lang) &&
      !/^\s*(Traceback|\$ )/.test(b.body),
  );
  const files: Record<string, string> = {};
  const used = new Set<Block>();
  for (const s of snippets) {
    for (const m of s.source.matchAll(/["']([\w.-]+\.(ini|cfg|conf|toml|ya?ml|json|txt|csv|md))["']/g)) {
      const name = m[1] ?? '';
      const ext = m[2] ?? '';
      const block =
        data.find((b) => !used.has(b) && (b.lang === ext || (b.lang === 'ini' && ext === 'cfg'))) ??
        data.find((b) => !used.has(b) && b.lang === '');
      if (block && !(name in files)) {
        used.add(block);
        files[name] = block.body;
      }
    }
  }
  return files;
}

export function parseStatement(text: string): Statement {
  const { blocks, prose } = splitFences(text);
  const snippets: Snippet[] = [];
  let script = false;
  // Interactive examples when there are any; otherwise the first script-like block, run whole.
  const code = blocks.filter(looksLikePython);
  const doctests = code.filter((b) => /^>>>/m.test(b.body));
  for (const block of doctests) snippets.push(...doctestSnippets(block.body));
  if (doctests.length === 0 && code[0]) {
    snippets.push({ source: code[0].body });
    script = true;
  }
  const expected: string[] = [];
  const names: string[] = [];
  const spans = [...prose.matchAll(/`([^`\n]+)`/g)];
  spans.forEach((m, i) => {
    const span = m[1] ?? '';
    // The sentence leading up to the span decides whether it states an expectation.
    const before =
      prose
        .slice(Math.max(0, (m.index ?? 0) - 120), m.index)
        .split(/\n\s*\n|[.!?]\s+(?=[A-Z])/)
        .pop() ?? '';
    const prev = spans[i - 1];
    const between = prev ? prose.slice((prev.index ?? 0) + prev[0].length, m.index) : '';
    // "`call(...)` -> `value`": an extra check, and an expected value when the prose frames it as one.
    if (prev && isCall(prev[1] ?? '') && /^\s*(->|→|=>)\s*$/.test(between) && !script) {
      const after =
        prose.slice((m.index ?? 0) + m[0].length, (m.index ?? 0) + m[0].length + 80).split(/[.!?](\s|$)/)[0] ?? '';
      const wanted = EXPECT_WORDS.test(before) || EXPECT_WORDS.test(after) ? { expected: span } : {};
      snippets.push({ source: (prev[1] ?? '').trim(), ...wanted });
      if ('expected' in wanted) expected.push(span);
      return;
    }
    if (isCall(span)) collectNames([span], names);
    else if (/^[A-Za-z_][\w.]*(\(\))?$/.test(span) && /[_A-Z.]|\(\)/.test(span.slice(1)))
      collectNames([`${span.replace('()', '')}(`], names);
    if (EXPECT_WORDS.test(before) && isValue(span) && !expected.includes(span)) expected.push(span);
  });
  // Bare values right after "expected" / "should be" ("Expected 9000", "Both should be True").
  const bare =
    /\b(?:expected|should (?:be|return|give|equal|round to))\s*:?\s*(True|False|None|-?\d+(?:,\d{3})*(?:\.\d+)?)(?![\w%\d]|\.\d)/gi;
  for (const m of prose.matchAll(bare)) if (m[1] && !expected.includes(m[1])) expected.push(m[1]);
  collectNames(
    snippets.map((s) => s.source),
    names,
  );
  // Only a command written as code (backticks, a fenced line or a `$ ` prompt) counts as one.
  const command = /(?:`|^\$ |^)((?:python3?\s+-m\s+)?pytest(?:[ \t]+[^\s`]+)*)(?:`|$)/m.exec(text)?.[1];
  return {
    text,
    snippets,
    script,
    expected,
    names,
    files: dataFiles(blocks, snippets),
    ...(command ? { testCommand: command.trim() } : {}),
  };
}
