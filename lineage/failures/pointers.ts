import type { PolicySlot } from '../../agent/genome.js';

// Where a weakness points: a task tag that fails more often than the experiment fails overall, or a cluster's
// signature, mapped to the policy slot most likely responsible. A hint for proposers and people, not a verdict.

export interface PolicyPointer {
  policy: PolicySlot;
  why: string;
}

const TAGS: Array<[RegExp, PolicySlot, string]> = [
  [/^multi-file$/, 'planning', 'edits spread over several files need a plan that lists them (plan-first, write-plan)'],
  [/^(debugging|bisect)$/, 'planning', 'debugging needs re-planning when a hypothesis fails (replan)'],
  [/^needs-search$/, 'tools', 'finding the code to change needs search tools (search-tools)'],
  [
    /^(reads-test-output|long-output)$/,
    'memory',
    'long tool output must survive in context (a window may cut it; summarize or notes keep it)',
  ],
  [
    /^(shell|bash|files|text-processing|sed|tar|gzip|git|history-rewrite|dedupe)$/,
    'tools',
    'shell and file work depends on which tools the agent has (bash-only, file-tools, editor)',
  ],
  [
    /^(edge-case|logic|missing-guard|off-by-one|swapped-args|constant|string-handling)$/,
    'prompt',
    'reading the issue closely and checking edge cases is instruction wording or a skill (prompt)',
  ],
];

export function tagPointer(tag: string): PolicyPointer | undefined {
  const hit = TAGS.find(([re]) => re.test(tag));
  return hit ? { policy: hit[1], why: hit[2] } : undefined;
}

/** The cluster key (signature.clusterKey) -> the policy its failure most likely comes from. */
export function clusterPointer(key: Record<string, unknown>): PolicyPointer | undefined {
  if (key.contextOverflow === true || key.exit === 'context_overflow')
    return { policy: 'memory', why: 'the context overflowed: memory keeps too much' };
  if (key.loop === true)
    return { policy: 'planning', why: 'it repeated itself: nothing made it change course (replan)' };
  if (key.formatErrors === true || key.exit === 'format_error')
    return { policy: 'prompt', why: 'malformed tool calls: the instructions or tool descriptions confuse the model' };
  if (key.toolTimeout === true)
    return { policy: 'tools', why: 'a command timed out: tools without time limits or background handling' };
  if (key.exit === 'step_limit' && key.patch === 'empty')
    return { policy: 'planning', why: 'steps ran out before any change: exploration without a plan' };
  if (key.outcome === 'broke-passing')
    return { policy: 'prompt', why: 'the change broke passing tests: nothing told it to run the existing tests' };
  if (key.outcome === 'partial-fix')
    return { policy: 'prompt', why: 'a partial fix: it stopped before checking every case in the issue' };
  return undefined;
}
