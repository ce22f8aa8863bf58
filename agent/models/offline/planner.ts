import type { Frame } from './repro.js';
import type { Candidate, Intent, ReproKind, State } from './history.js';
import { mutateLine, scopeNamesOf } from './mutations.js';
import type { Statement } from './statement.js';

// Decides the next step from the rebuilt state: reproduce, localise, view, try one candidate edit at a time
// (reverting what does not help), check the visible tests, submit.

/** What shapes the search: the model's own params, the budget the loop reports, and what the context says. */
export interface PlanOptions {
  /** Candidate edits tried in one function before moving on to the next (depth against breadth). */
  candidates: number;
  /** The run's step budget and the steps already taken (as the loop reports them on each request). */
  maxSteps: number;
  stepsUsed: number;
  /** 0: candidates top to bottom; otherwise a seeded order among equally ranked ones. */
  seed: number;
  /** The model wrote a plan (planning policy): the likeliest edits everywhere before rarer ones anywhere. */
  breadth: boolean;
  /** The prompt says to check the change before submitting: run the visible tests once the repro passes. */
  checkTests: boolean;
  /** A grep tool, or a prompt that shows grepping: also search the helpers the suspect functions call. */
  searchHelpers: boolean;
  /** The prompt says to read the whole traceback: every project frame is a suspect, not only the deepest. */
  allFrames: boolean;
}

export interface Decision {
  intent: Intent;
  note: string;
}

export function reproKindFor(statement: Statement, tools: Set<string>): ReproKind | undefined {
  if (tools.has('bash')) {
    if (statement.snippets.length > 0) return 'script';
    if (statement.testCommand) return 'command';
  }
  if (tools.has('run_tests')) return 'run_tests';
  return tools.has('bash') ? 'pytest' : undefined;
}

interface FunctionSpan {
  start: number;
  body: number[];
}

/** The function around `line` from the known lines: its def line and the code lines of its body. */
export function enclosingFunction(lines: Map<number, string>, line: number): FunctionSpan | undefined {
  const indentOf = (s: string) => /^\s*/.exec(s)?.[0].length ?? 0;
  let start: number | undefined;
  const target = lines.get(line) ?? '';
  for (let n = line; n >= 1 && lines.has(n); n--) {
    const text = lines.get(n) ?? '';
    if (/^\s*(async\s+)?def\s/.test(text) && (n === line || indentOf(text) < indentOf(target))) {
      start = n;
      break;
    }
  }
  if (start === undefined) return undefined;
  const defIndent = indentOf(lines.get(start) ?? '');
  const body: number[] = [];
  let inDoc = false;
  for (let n = start + 1; lines.has(n); n++) {
    const text = lines.get(n) ?? '';
    if (text.trim() !== '' && indentOf(text) <= defIndent) break;
    const quotes = (text.match(/"""|'''/g) ?? []).length;
    const docLine = inDoc || quotes > 0;
    if (quotes % 2 === 1) inDoc = !inDoc;
    if (!docLine && text.trim() !== '' && !text.trim().startsWith('#')) body.push(n);
  }
  return { start, body };
}

/** A tiny deterministic hash for seed-dependent tie ordering. */
function tieKey(seed: number, key: string): number {
  let h = (2166136261 ^ seed) >>> 0;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619) >>> 0;
  return h;
}

function candidatesFor(
  state: State,
  target: Frame,
  fromTrace: boolean,
  opts: PlanOptions,
  maxPriority: number,
): Candidate[] | 'view' {
  const all = rankedCandidates(state, target, fromTrace, opts);
  if (all === 'view') return all;
  // The depth limit: a function whose `candidates` edits were all tried is given up.
  if (all.filter((c) => state.tried.has(c.key)).length >= opts.candidates) return [];
  return all.filter((c) => !state.tried.has(c.key) && c.priority <= maxPriority);
}

function rankedCandidates(
  state: State,
  target: Frame,
  fromTrace: boolean,
  opts: PlanOptions,
): Array<Candidate & { priority: number }> | 'view' {
  const lines = state.files.get(target.path);
  const fn = lines && lines.has(target.line) ? enclosingFunction(lines, target.line) : undefined;
  if (!lines || !fn) return 'view';
  const text = (n: number) =>
    state.rejected?.op.path === target.path && state.rejected.op.line === n
      ? state.rejected.op.old
      : (lines.get(n) ?? '');
  const scopeNames = scopeNamesOf([fn.start, ...fn.body].map(text));
  // Mutating a kept line back to what it was would only undo progress.
  const undone = new Set(state.kept.map((k) => `${k.cand.op.path}:${k.cand.op.line}:${k.cand.op.old}`));
  const ranked: Array<Candidate & { rank: number[]; priority: number }> = [];
  for (const n of fn.body) {
    const onTarget = fromTrace && n === target.line;
    for (const m of mutateLine(text(n), { scopeNames, noneGuard: onTarget && state.noneError })) {
      // Short keys: they are carried in notes and summaries, which have a size limit.
      const key = `${n}.${tieKey(0, `${target.path}:${n}:${m.text}`).toString(36)}`;
      if (undone.has(`${target.path}:${n}:${m.text}`)) continue;
      // The failing line from a traceback first; then by mutation priority, then top to bottom.
      const rank = [onTarget ? 0 : 1, m.priority, opts.seed ? tieKey(opts.seed, key) : n, ranked.length];
      ranked.push({ key, op: { path: target.path, line: n, old: text(n), new: m.text }, rank, priority: m.priority });
    }
  }
  ranked.sort((a, b) => a.rank.reduce((d, x, i) => d || x - (b.rank[i] ?? 0), 0));
  return ranked;
}

function viewWindow(target: Frame, fromTrace: boolean, state: State): Intent {
  const known = state.files.get(target.path);
  // Seen the line but not its def: look further up.
  if (known?.has(target.line))
    return { a: 'view', path: target.path, start: Math.max(1, Math.min(...known.keys()) - 60), end: target.line };
  return fromTrace
    ? { a: 'view', path: target.path, start: Math.max(1, target.line - 40), end: target.line + 25 }
    : { a: 'view', path: target.path, start: target.line, end: target.line + 80 };
}

/** Names called in the bodies we have seen that the statement did not name (one level of search). */
function calleesToSearch(state: State, targets: Frame[]): string[] {
  const names: string[] = [];
  for (const t of targets) {
    const lines = state.files.get(t.path);
    const fn = lines ? enclosingFunction(lines, t.line) : undefined;
    for (const n of fn?.body ?? []) {
      for (const m of (lines?.get(n) ?? '').matchAll(/(?<![\w.])([A-Za-z_]\w*)\(/g)) {
        const name = m[1] ?? '';
        if (
          name.length > 2 &&
          !state.searched.has(name) &&
          !names.includes(name) &&
          !/^(len|str|int|list|dict|set|tuple|sorted|range|print|isinstance|min|max|sum|any|all|enumerate|zip|map|filter|super|type|repr|abs|round|iter|next|open|getattr|setattr|hasattr)$/.test(
            name,
          )
        )
          names.push(name);
      }
    }
  }
  return names.slice(0, 6);
}

const LIKELY = 4;
const NOTES_EVERY = 4;

/** The best untried candidate over the targets, or the view needed before candidates can be made. */
function firstCandidate(
  state: State,
  targets: Array<{ frame: Frame; trace: boolean }>,
  maxPriority: number,
  opts: PlanOptions,
): Candidate | Decision | undefined {
  for (const { frame, trace } of targets) {
    const cands = candidatesFor(state, frame, trace, opts, maxPriority);
    if (cands === 'view') {
      const view = viewWindow(frame, trace, state);
      // Give up on a target we already viewed without finding its function.
      if (view.a === 'view' && state.viewed.has(`${view.path}:${view.start}`)) continue;
      return { intent: view, note: `viewing ${frame.path} around line ${frame.line}` };
    }
    if (cands[0]) return cands[0];
  }
  return undefined;
}

/**
 * Apply `next`. With an editor (str_replace) every edit is its own call and the run another: reliable but
 * slow. With bash alone one command reverts the last candidate, applies the next with sed and runs the
 * reproduction: three times the tries per step, but sed botches lines it cannot quote (actions.ts).
 */
function tryCandidate(state: State, next: Candidate, tools: Set<string>): Decision {
  const r = state.rejected;
  const sameLine = r !== undefined && r.op.path === next.op.path && r.op.line === next.op.line;
  const undo = r ? { ...r.op, old: r.op.new, new: r.op.old } : undefined;
  const editor = tools.has('str_replace');
  if (r && undo && !sameLine && editor)
    return { intent: { a: 'edit', ops: [undo], revert: r.key }, note: 'reverting the last candidate' };
  const ops = r && undo ? (sameLine ? [{ ...next.op, old: r.op.new }] : [undo, next.op]) : [next.op];
  const intent: Intent = {
    a: 'edit',
    ops,
    cand: next.key,
    candOp: next.op,
    ...(r ? { revert: r.key } : {}),
    ...(editor ? {} : { withRun: true }),
  };
  return {
    intent,
    note: `trying candidate ${state.tried.size + 1}: ${next.op.path}:${next.op.line} -> ${next.op.new.trim()}`,
  };
}

function revert(state: State, note: string): Decision | undefined {
  const r = state.rejected ?? state.pending;
  if (!r) return undefined;
  return { intent: { a: 'edit', ops: [{ ...r.op, old: r.op.new, new: r.op.old }], revert: r.key }, note };
}

export function decide(state: State, statement: Statement, tools: Set<string>, opts: PlanOptions): Decision {
  const left = opts.maxSteps - opts.stepsUsed;
  // The last steps: never leave a candidate that did not help (or was never checked) in the workspace.
  if (left <= 2 && (state.rejected || (left <= 1 && state.pending)))
    return revert(state, 'step budget nearly used: undoing the last candidate') as Decision;
  if (left <= 1) return { intent: { a: 'submit' }, note: 'step budget nearly used: submitting what I have' };
  const kind = reproKindFor(statement, tools);
  if (!kind) return { intent: { a: 'submit' }, note: 'no way to run code with these tools: submitting' };
  const can = (...names: string[]) => names.some((n) => tools.has(n));
  if (!can('bash', 'str_replace') || !can('bash', 'view'))
    return { intent: { a: 'submit' }, note: 'no way to read and edit files with these tools: submitting' };
  if (!state.baseline) return { intent: { a: 'repro', kind }, note: `reproducing the issue (${kind})` };
  if (state.pending) return { intent: { a: 'run' }, note: 're-running the reproduction after the edit' };
  if (state.fixed && !state.rejected) {
    if (state.kept.length === 0)
      return { intent: { a: 'submit' }, note: 'the reproduction already passes: nothing to fix that I can see' };
    if (opts.checkTests && !state.testsChecked && left >= 2)
      return { intent: { a: 'tests' }, note: 'reproduction passes: checking the visible tests' };
    return { intent: { a: 'submit' }, note: 'reproduction passes: submitting' };
  }
  const frames = opts.allFrames ? state.frames : state.frames.slice(0, 1);
  const targets: Array<{ frame: Frame; trace: boolean }> = [
    ...frames.map((frame) => ({ frame, trace: true })),
    ...state.defs.map((frame) => ({ frame, trace: false })),
  ];
  const unsearched = can('bash', 'grep') ? statement.names.filter((n) => !state.searched.has(n)).slice(0, 6) : [];
  if (frames.length === 0 && unsearched.length > 0)
    return { intent: { a: 'locate', names: unsearched }, note: `looking for ${unsearched.join(', ')}` };
  // With a notes tool, every few candidates the tried list goes into the notes, which outlive the window.
  const uncarried = [...state.tried].filter((k) => !state.carried.has(k));
  if (tools.has('write_notes') && uncarried.length >= NOTES_EVERY && left > 4) {
    return {
      intent: { a: 'notes', tried: [...state.tried] },
      note: `noting the ${state.tried.size} candidates tried so far`,
    };
  }
  // Room for one more try: (a revert,) the edit and its run with the editor, one command with bash; then submit.
  const perTry = tools.has('str_replace') ? (state.rejected ? 3 : 2) : 1;
  const budgetLeft = left >= perTry + 1;
  // With a plan: the likeliest edits in every suspect function first, rarer ones last. Without: each suspect
  // function in turn, every edit it allows (up to `candidates`), then the next.
  const tiers = opts.breadth ? [LIKELY, Infinity] : [Infinity];
  for (const maxPriority of budgetLeft ? tiers : []) {
    const found = firstCandidate(state, targets, maxPriority, opts);
    if (found && 'intent' in found) return found;
    if (found) return tryCandidate(state, found, tools);
    if (unsearched.length > 0)
      return { intent: { a: 'locate', names: unsearched }, note: `looking for ${unsearched.join(', ')}` };
    // One level only: helpers of the failing frames and of the functions the statement names.
    const callees = !opts.searchHelpers
      ? []
      : calleesToSearch(
          state,
          targets.filter((t) => t.trace || statement.names.includes(t.frame.func ?? '')).map((t) => t.frame),
        );
    if (callees.length > 0)
      return { intent: { a: 'locate', names: callees }, note: `searching the helpers it calls: ${callees.join(', ')}` };
  }
  const undo = revert(state, 'reverting the last candidate');
  if (undo) return undo;
  if (opts.checkTests && state.kept.length > 0 && !state.testsChecked && left >= 2)
    return { intent: { a: 'tests' }, note: 'partial improvement kept: checking the visible tests' };
  return {
    intent: { a: 'submit' },
    note: state.kept.length > 0 ? 'submitting the partial improvement' : 'no candidate helped: submitting',
  };
}
