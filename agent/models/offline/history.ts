import type { Message, ToolCallPart } from '../types.js';
import {
  better,
  extractFrames,
  isTestPath,
  parseTestSummary,
  scoreScript,
  scoreTests,
  testsHold,
  type Frame,
  type Score,
  type TestSummary,
  TESTS_MARK,
} from './repro.js';
import type { Statement } from './statement.js';

// The offline model keeps no memory of its own: every call rebuilds its state from the messages it is
// shown. Each of its assistant turns carries a small intent marker next to the tool call; the matching tool
// result tells what happened. Drop turns from the history and the state genuinely forgets them.

export type ReproKind = 'script' | 'command' | 'run_tests' | 'pytest';

export interface EditOp {
  path: string;
  line: number;
  old: string;
  new: string;
}

export type Intent =
  | { a: 'repro'; kind: ReproKind }
  | { a: 'run' }
  | { a: 'locate'; names: string[] }
  | { a: 'view'; path: string; start: number; end: number }
  /** cand/candOp: the candidate tried (its op against the unmutated line); revert: the candidate undone. */
  | { a: 'edit'; ops: EditOp[]; cand?: string; candOp?: EditOp; revert?: string; withRun?: boolean }
  | { a: 'tests' }
  | { a: 'notes'; tried: string[] }
  | { a: 'submit' };

export interface Candidate {
  key: string;
  op: EditOp;
}

export interface State {
  steps: number;
  reproKind?: ReproKind;
  baseline?: Score;
  best?: Score;
  baseTests?: TestSummary;
  frames: Frame[];
  noneError: boolean;
  defs: Frame[];
  searched: Set<string>;
  /** `path:start` of every view asked for, so a view that fails is not asked for again. */
  viewed: Set<string>;
  /** Known file lines (path -> line number -> text), as of our latest successful edit. */
  files: Map<string, Map<number, string>>;
  tried: Set<string>;
  /** Tried candidates already kept in pinned notes or a summary (they survive any memory policy). */
  carried: Set<string>;
  kept: Array<{ cand: Candidate; before: Score }>;
  pending?: Candidate;
  rejected?: Candidate;
  fixed: boolean;
  /** Visible tests ran after the latest kept edit and held. */
  testsChecked: boolean;
}

const MARKER = /<!--offline:([\s\S]*?)-->/;

export function marker(intent: Intent): string {
  return `<!--offline:${JSON.stringify(intent)}-->`;
}

function readIntent(parts: Message['content']): Intent | undefined {
  if (typeof parts === 'string') return undefined;
  for (const part of parts) {
    const m = part.type === 'text' ? MARKER.exec(part.text) : null;
    if (m) {
      try {
        return JSON.parse(m[1] ?? '') as Intent;
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

export function normPath(path: string): string {
  return path.replace(/^\.\//, '');
}

/** Parses `%6d\t` numbered lines (the view tool and our awk listing) into the file map. */
export function absorbView(files: State['files'], path: string, output: string): void {
  const lines = files.get(path) ?? new Map<number, string>();
  for (const m of output.matchAll(/^ *(\d+)\t(.*)$/gm)) lines.set(Number(m[1]), m[2] ?? '');
  files.set(path, lines);
}

export function absorbGrep(state: State, output: string, names: string[]): void {
  for (const m of output.matchAll(/^(.+?\.py):(\d+):\s*(?:async\s+)?(?:def|class)\s+(\w+)/gm)) {
    const path = normPath(m[1] ?? '');
    if (isTestPath(path) || !names.includes(m[3] ?? '')) continue;
    if (!state.defs.some((d) => d.path === path && d.line === Number(m[2])))
      state.defs.push({ path, line: Number(m[2]), func: m[3] ?? '' });
  }
  // Keep the statement's order of names: the first-named function is searched first.
  state.defs.sort((a, b) => names.indexOf(a.func ?? '') - names.indexOf(b.func ?? ''));
}

function score(kind: ReproKind, output: string, statement: Statement): Score {
  return kind === 'script' ? scoreScript(output, statement) : scoreTests(output);
}

function evaluate(state: State, s: Score): void {
  const cand = state.pending;
  state.pending = undefined;
  if (!cand || !state.best) return;
  if (s.readable && better(s, state.best)) {
    state.kept.push({ cand, before: state.best });
    state.best = s;
    state.fixed = s.fixed;
    state.testsChecked = false;
  } else state.rejected = cand;
}

function applyOps(state: State, ops: EditOp[]): void {
  for (const op of ops) {
    const lines = state.files.get(op.path) ?? new Map<number, string>();
    lines.set(op.line, op.new);
    state.files.set(op.path, lines);
  }
}

function step(
  state: State,
  intent: Intent,
  call: ToolCallPart,
  result: { content: string; isError?: boolean },
  statement: Statement,
): void {
  const out = result.content;
  switch (intent.a) {
    case 'repro': {
      const s = score(intent.kind, out, statement);
      state.reproKind = intent.kind;
      state.baseline = s;
      state.best = s;
      state.fixed = s.fixed;
      state.frames = extractFrames(out);
      state.noneError = /NoneType/.test(out);
      if (out.includes(TESTS_MARK)) state.baseTests = parseTestSummary(out.split(TESTS_MARK)[1] ?? '');
      return;
    }
    case 'run':
      if (state.reproKind) evaluate(state, score(state.reproKind, out, statement));
      return;
    case 'locate':
      for (const n of intent.names) state.searched.add(n);
      absorbGrep(state, out, intent.names);
      return;
    case 'view':
      state.viewed.add(`${intent.path}:${intent.start}`);
      if (!result.isError) absorbView(state.files, intent.path, out);
      return;
    case 'edit': {
      const failed =
        result.isError === true || out.includes('EDIT_FAILED') || (!out.includes('EDIT_OK') && call.name === 'bash');
      if (intent.cand) state.tried.add(intent.cand);
      if (failed) {
        // The file did not change. A revert that cannot apply is given up rather than retried forever.
        if (intent.revert && state.rejected?.key === intent.revert) state.rejected = undefined;
        return;
      }
      applyOps(state, intent.ops);
      if (intent.revert && state.rejected?.key === intent.revert) state.rejected = undefined;
      if (intent.revert && state.pending?.key === intent.revert) state.pending = undefined;
      if (intent.cand) {
        const op = intent.candOp ?? intent.ops.at(-1);
        if (op) state.pending = { key: intent.cand, op };
        if (intent.withRun && state.reproKind)
          evaluate(state, score(state.reproKind, out.split('EDIT_OK').pop() ?? '', statement));
      }
      return;
    }
    case 'tests': {
      const after = parseTestSummary(out);
      const last = state.kept.at(-1);
      if (testsHold(after, state.baseTests) || !last) state.testsChecked = true;
      else {
        // The fix broke a visible test: undo it and keep searching from the score before it.
        state.kept.pop();
        state.rejected = last.cand;
        state.best = last.before;
        state.fixed = last.before.fixed;
      }
      return;
    }
    case 'notes':
      if (!result.isError) for (const key of intent.tried) state.carried.add(key);
      return;
    case 'submit':
      return;
  }
}

/** What a folded summary carries forward: the candidates already tried (localising again is cheap). */
export interface Carry {
  tried: string[];
}

const CARRY = /<!--offline-carry:([\s\S]*?)-->/g;

export function carryMarker(carry: Carry): string {
  return `<!--offline-carry:${JSON.stringify(carry)}-->`;
}

/** Collects carries and the intents of our own turns from text (a summarize prompt, a pinned summary). */
export function readCarry(text: string): Carry {
  const carry: Carry = { tried: [] };
  const add = (list: string[], items: string[] | undefined) => items?.forEach((x) => list.includes(x) || list.push(x));
  for (const m of text.matchAll(CARRY)) {
    try {
      const c = JSON.parse(m[1] ?? '') as Partial<Carry>;
      add(carry.tried, c.tried);
    } catch {
      // a damaged carry is just forgotten
    }
  }
  for (const m of text.matchAll(new RegExp(MARKER.source, 'g'))) {
    try {
      const intent = JSON.parse(m[1] ?? '') as Intent;
      if (intent.a === 'edit' && intent.cand) add(carry.tried, [intent.cand]);
    } catch {
      // not ours
    }
  }
  return carry;
}

export function rebuild(messages: Message[], statement: Statement, carry: Carry = { tried: [] }): State {
  const state: State = {
    steps: 0,
    frames: [],
    noneError: false,
    defs: [],
    searched: new Set(),
    viewed: new Set(),
    files: new Map(),
    tried: new Set(carry.tried),
    carried: new Set(carry.tried),
    kept: [],
    fixed: false,
    testsChecked: false,
  };
  const results = new Map<string, { content: string; isError?: boolean }>();
  for (const msg of messages) {
    if (msg.role !== 'user' || typeof msg.content === 'string') continue;
    for (const part of msg.content) if (part.type === 'tool_result') results.set(part.toolCallId, part);
  }
  for (const msg of messages) {
    if (msg.role !== 'assistant') continue;
    state.steps++;
    const intent = readIntent(msg.content);
    const call = msg.content.find((p): p is ToolCallPart => p.type === 'tool_call');
    const result = call ? results.get(call.id) : undefined;
    if (intent && call && result) step(state, intent, call, result, statement);
  }
  return state;
}
