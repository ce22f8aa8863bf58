import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gradingOutcome } from './outcome.js';
import { patchPaths } from './patch.js';
import type { Task } from './schema.js';

// What the agent never saw, collected only to be masked out of what a proposer, an author or self-repair reads (a
// second guard: that is built from the agent's own record, which should not hold any of it in the first place).

const HIDDEN = '[hidden]';

/** Terminal-Bench: test function names and the longer lines of the hidden test files (read on the host, never shown). */
function hiddenTestFiles(dir: string, out: Set<string>, budget = { files: 50 }): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = statSync(path);
    if (st.isDirectory()) hiddenTestFiles(path, out, budget);
    else if (budget.files-- > 0 && st.size < 256_000 && /\.(py|sh|js|ts|txt|json)$/.test(name)) {
      out.add(name);
      for (const line of readFileSync(path, 'utf8').split('\n')) {
        const t = line.trim();
        const fn = t.match(/^(?:async\s+)?def\s+(test_\w+)/);
        if (fn) out.add(fn[1]!);
        if (t.length >= 20) out.add(t);
      }
    }
  }
}

/** Strings the agent never saw: hidden test ids (and their short names), test/gold patch paths and added lines. */
export function hiddenStrings(task: Task, reportTests: string[] = []): string[] {
  const out = new Set<string>();
  const addTest = (t: string) => {
    out.add(t);
    const short = t.split('::').at(-1)!.replace(/\[.*$/, '');
    if (short.length >= 5 && short !== t) out.add(short);
  };
  // Test patches: their files and lines are hidden. Gold patches: only the added lines (the files and removed lines
  // are the repository's own code, which the agent sees).
  const addPatch = (patch: string, paths: boolean, lines: RegExp) => {
    if (paths) for (const p of patchPaths(patch)) out.add(p);
    for (const line of patch.split('\n'))
      if (lines.test(line) && line.slice(1).trim().length >= 12) out.add(line.slice(1).trim());
  };
  if (task.grader.kind === 'swebench') {
    task.grader.failToPass.forEach(addTest);
    task.grader.passToPass.forEach(addTest);
    addPatch(task.grader.testPatch, true, /^[+-](?![+-]{2})/);
  } else {
    out.add(task.grader.testsDir);
    for (const l of task.grader.testScript.split('\n')) if (l.trim().length >= 12) out.add(l.trim());
    hiddenTestFiles(task.grader.testsDir, out);
  }
  if (task.gold?.kind === 'patch') addPatch(task.gold.patch, false, /^\+(?!\+\+)/);
  if (task.gold?.kind === 'script')
    for (const l of task.gold.script.split('\n')) if (l.trim().length >= 12) out.add(l.trim());
  reportTests.forEach(addTest);
  // Longest first, so a full test id is masked before its short name.
  return [...out].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
}

export function mask(text: string, hidden: string[]): string {
  let out = text;
  for (const h of hidden) if (out.includes(h)) out = out.split(h).join(HIDDEN);
  return out;
}

/** Test names a grading report mentions (any harness's layout), used only to mask them. */
export function reportTestNames(report: string | null): string[] {
  return gradingOutcome(report).testNames;
}

// Paths the agent has no business reading: hidden tests are copied in only after it finishes, and graders and
// gold solutions never enter its sandbox. Reaching for them is logged as a suspicion, not proof.
const HIDDEN_PATH =
  /(^|[\s'"=/])(\/tests\b|\/logs\/verifier|gold\.patch|test\.patch|solution\.sh|solve\.sh|run-tests\.sh|FAIL_TO_PASS|PASS_TO_PASS|\.evolve-grader)/;

/** The hidden path (or grader word) a command reaches for, if any. */
export function hiddenPathIn(command: string): string | undefined {
  return command.match(HIDDEN_PATH)?.[2];
}
