import { carryMarker, type EditOp, type Intent, type ReproKind, type State } from './history.js';
import { TESTS_MARK, reproPath, reproScript } from './repro.js';
import type { Statement } from './statement.js';

// Turns an intent into a call of one of the offered tools: the editor tools when present, otherwise bash
// (edits become a small python3 script); grep/view/run_tests when offered, otherwise their bash equivalents.

export interface Call {
  name: string;
  input: Record<string, unknown>;
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
// No .pyc files in the workdir: they would show up in the run's diff.
const PY = 'PYTHONDONTWRITEBYTECODE=1 python3';
// The same command before and after a fix, so failure counts compare like with like.
const VISIBLE_TESTS =
  'PYTHONDONTWRITEBYTECODE=1 timeout 600 python3 -m pytest -q -p no:cacheprovider 2>&1 | tail -n 15';

/**
 * A candidate edit can make the reproduction script loop forever (a loop's bound mutated): its reruns get this long,
 * not the bash tool's 120 s, so one such candidate costs seconds, not two minutes. The script runs a few examples.
 */
export const REPRO_RERUN_TIMEOUT_SEC = 30;

// The whole output is read: what a long run shows depends on the tool's output cap (cut in the middle).
export function reproCommand(kind: ReproKind, statement: Statement): string {
  if (kind === 'script') return `${PY} ${reproPath(statement)} 2>&1`;
  if (kind === 'command' && statement.testCommand)
    return `PYTHONDONTWRITEBYTECODE=1 timeout 600 ${statement.testCommand} 2>&1`;
  return `PYTHONDONTWRITEBYTECODE=1 timeout 600 python3 -m pytest -x -q -p no:cacheprovider 2>&1`;
}

/** The known text from `line - before` to `line + after`, as one string, for a unique str_replace anchor. */
function anchor(state: State, op: EditOp, text: string): string {
  const lines = state.files.get(op.path);
  const prev = lines?.get(op.line - 1);
  const next = lines?.get(op.line + 1);
  return [prev, text, next].filter((l): l is string => l !== undefined).join('\n');
}

/**
 * Edits through bash the way a hurried shell user writes them: `sed -i '0,/OLD/s//NEW/' FILE`, with only the
 * delimiter escaped. Lines holding regex characters (`[`, `*`, a backslash) then fail to match, silently, and an `&`
 * in the new text pastes the match back in: the botches an editor tool avoids.
 */
function sedEdit(ops: EditOp[]): string {
  const pattern = (t: string) => t.replace(/\//g, '\\/');
  const replacement = (t: string) => t.replace(/\//g, '\\/').replace(/\n/g, '\\n');
  const cmds = ops.map((op) => `sed -i ${q(`0,/${pattern(op.old)}/s//${replacement(op.new)}/`)} ${q(op.path)}`);
  return `${cmds.join(' && ')} && echo EDIT_OK`;
}

export function toCall(intent: Intent, state: State, statement: Statement, tools: Set<string>): Call | undefined {
  const bash = (command: string, timeoutSec?: number): Call => ({
    name: 'bash',
    input: { command, ...(timeoutSec ? { timeout_sec: timeoutSec } : {}) },
  });
  const rerunLimit = state.reproKind === 'script' ? REPRO_RERUN_TIMEOUT_SEC : undefined;
  switch (intent.a) {
    case 'repro': {
      if (intent.kind === 'run_tests') return { name: 'run_tests', input: {} };
      const parts: string[] = [];
      if (intent.kind === 'script')
        parts.push(`cat > ${reproPath(statement)} <<'EVOLVE_REPRO'\n${reproScript(statement)}EVOLVE_REPRO`);
      parts.push(reproCommand(intent.kind, statement));
      if (intent.kind !== 'pytest') parts.push(`echo '${TESTS_MARK}'`, VISIBLE_TESTS);
      return bash(parts.join('\n'));
    }
    case 'run':
      return state.reproKind === 'run_tests'
        ? { name: 'run_tests', input: {} }
        : bash(reproCommand(state.reproKind ?? 'pytest', statement), rerunLimit);
    case 'locate': {
      const pattern = `(def|class) (${intent.names.join('|')})\\b`;
      if (tools.has('grep')) return { name: 'grep', input: { pattern, include: '*.py' } };
      return bash(`grep -rnIE --include='*.py' --exclude-dir=.git ${q(pattern)} . | head -n 50`);
    }
    case 'view':
      if (tools.has('view'))
        return { name: 'view', input: { path: intent.path, start_line: intent.start, end_line: intent.end } };
      return bash(`awk 'NR>=${intent.start} && NR<=${intent.end} {printf "%6d\\t%s\\n", NR, $0}' ${q(intent.path)}`);
    case 'edit': {
      const op = intent.ops[0];
      if (tools.has('str_replace') && op && intent.ops.length === 1) {
        return {
          name: 'str_replace',
          input: { path: op.path, old_str: anchor(state, op, op.old), new_str: anchor(state, op, op.new) },
        };
      }
      if (!tools.has('bash')) return undefined;
      const run = intent.withRun && state.reproKind ? `; ${reproCommand(state.reproKind, statement)}` : '';
      return bash(`${sedEdit(intent.ops)}${run}`, run ? rerunLimit : undefined);
    }
    case 'tests':
      return tools.has('bash') ? bash(VISIBLE_TESTS) : { name: 'run_tests', input: {} };
    case 'notes': {
      const kept = state.kept.map((k) => `${k.cand.op.path}:${k.cand.op.line}`).join(', ') || 'none';
      const text = `Offline model notes: ${intent.tried.length} candidate edits tried; kept: ${kept}.\n${carryMarker({ tried: intent.tried })}`;
      return { name: 'write_notes', input: { text } };
    }
    case 'submit':
      return tools.has('submit') ? { name: 'submit', input: {} } : undefined;
  }
}
