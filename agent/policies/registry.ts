import type { z } from 'zod';
import type { AgentTaskView } from '../task-view.js';
import { POLICY_SLOTS, type Genome, type PolicySlot } from '../genome.js';
import type { Tool } from '../tools/define.js';
import * as fullMemory from './memory/full.js';
import * as notesMemory from './memory/notes.js';
import * as summarizeMemory from './memory/summarize.js';
import * as windowMemory from './memory/window.js';
import * as nonePlanning from './planning/none.js';
import * as planFirst from './planning/plan-first.js';
import * as replan from './planning/replan.js';
import * as detailedPrompt from './prompt/detailed.js';
import * as examplePrompt from './prompt/example.js';
import * as tersePrompt from './prompt/terse.js';
import * as bashOnly from './tools/bash-only.js';
import { commandParamSteps } from './tools/common.js';
import * as editorTools from './tools/editor.js';
import * as searchTools from './tools/search.js';
import type { MemoryPolicy, PlanningPolicy, PromptPolicy } from './types.js';

// The names a genome may use, per slot. Proposers read this (listPolicies) to know what they can change.

export interface PolicyInfo {
  slot: PolicySlot;
  name: string;
  description: string;
  params: z.ZodType;
  defaults: Record<string, unknown>;
  /** Alternative params a systematic proposer may try, e.g. window turns 4/8/16. */
  paramSteps: Array<Record<string, unknown>>;
}

interface SlotInstances {
  planning: PlanningPolicy;
  tools: Tool[];
  memory: MemoryPolicy;
  prompt: PromptPolicy;
}

interface Entry<S extends PolicySlot> {
  info: PolicyInfo;
  /** `params` were parsed by info.params, so each policy's create takes its own params type. */
  create(params: any, task: AgentTaskView): SlotInstances[S];
}

function entry<S extends PolicySlot>(
  slot: S,
  name: string,
  description: string,
  mod: { params: z.ZodType; create: (p: any, task: AgentTaskView) => SlotInstances[S] },
  paramSteps: Array<Record<string, unknown>> = [],
): Entry<S> {
  const defaults = mod.params.parse({}) as Record<string, unknown>;
  return { info: { slot, name, description, params: mod.params, defaults, paramSteps }, create: mod.create };
}

const promptSteps = [{ skills: ['python-debugging'] }];

const REGISTRY: { [S in PolicySlot]: Array<Entry<S>> } = {
  planning: [
    entry('planning', 'none', 'No explicit plan: act from the first step.', nonePlanning),
    entry('planning', 'plan-first', 'Write a numbered plan before acting; it stays in context.', planFirst),
    entry('planning', 'replan', 'Plan first, then revise the plan every N steps and after a failed test run.', replan, [
      { everySteps: 5 },
      { everySteps: 20 },
      { onTestFailure: false },
    ]),
  ],
  tools: [
    entry(
      'tools',
      'bash-only',
      'A single bash tool (plus run_tests and submit), like minimal agents.',
      bashOnly,
      commandParamSteps,
    ),
    entry('tools', 'editor', 'File tools view/create/str_replace/insert plus bash.', editorTools, commandParamSteps),
    entry('tools', 'search', 'Editor tools plus find and grep with bounded output.', searchTools, [
      ...commandParamSteps,
      { maxMatches: 20 },
      { maxMatches: 100 },
    ]),
  ],
  memory: [
    entry('memory', 'full', 'Whole history verbatim; context grows every step.', fullMemory),
    entry('memory', 'window', 'Task plus the last N turns.', windowMemory, [{ turns: 4 }, { turns: 8 }, { turns: 16 }]),
    entry(
      'memory',
      'summarize',
      'Last turns verbatim, older turns folded into a model-written running summary.',
      summarizeMemory,
      [{ keepTurns: 4 }, { keepTurns: 10 }, { foldBatch: 8 }],
    ),
    entry('memory', 'notes', 'A write_notes scratchpad kept in context, plus the last N turns.', notesMemory, [
      { keepTurns: 5 },
      { keepTurns: 20 },
    ]),
  ],
  prompt: [
    entry('prompt', 'terse', 'A short system prompt and the task.', tersePrompt, promptSteps),
    entry(
      'prompt',
      'detailed',
      'A step-by-step working method: explore, reproduce, fix, check, submit.',
      detailedPrompt,
      promptSteps,
    ),
    entry('prompt', 'example', 'The working method shown as a worked example.', examplePrompt, promptSteps),
  ],
};

export function listPolicies(slot: PolicySlot): PolicyInfo[] {
  return REGISTRY[slot].map((e) => e.info);
}

/** A genome's policy choice that is not registered or whose params do not fit the policy's schema. */
export class PolicyError extends Error {
  override readonly name = 'PolicyError';
  constructor(
    readonly slot: PolicySlot,
    readonly policy: string,
    readonly field: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

export interface ResolvedPolicy {
  info: PolicyInfo;
  /** Params after validation, defaults filled in. */
  params: Record<string, unknown>;
}
export type ResolvedPolicies = Record<PolicySlot, ResolvedPolicy>;

/** Validates every slot of a genome; throws PolicyError naming the slot, the policy and the field. */
export function resolvePolicies(genome: Genome): ResolvedPolicies {
  const resolved = {} as ResolvedPolicies;
  for (const slot of POLICY_SLOTS) {
    const choice = genome[slot];
    const found = (REGISTRY[slot] as Array<Entry<PolicySlot>>).find((e) => e.info.name === choice.name);
    if (!found) {
      const known = REGISTRY[slot].map((e) => e.info.name).join(', ');
      throw new PolicyError(
        slot,
        choice.name,
        undefined,
        `genome.${slot}: unknown policy "${choice.name}" (known: ${known})`,
      );
    }
    const parsed = found.info.params.safeParse(choice.params ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.code === 'unrecognized_keys' ? issue.keys.join(', ') : issue?.path.join('.') || undefined;
      const what =
        issue?.code === 'unrecognized_keys' ? 'is not a parameter of this policy' : (issue?.message ?? 'invalid');
      throw new PolicyError(
        slot,
        choice.name,
        field,
        `genome.${slot} (${choice.name}): params.${field ?? ''} ${what}; defaults: ${JSON.stringify(found.info.defaults)}`,
      );
    }
    resolved[slot] = { info: found.info, params: parsed.data as Record<string, unknown> };
  }
  return resolved;
}

/** Fresh policy instances for one run (policies such as summarize and notes hold per-run state). */
export function instantiatePolicies(resolved: ResolvedPolicies, task: AgentTaskView): SlotInstances {
  const make = <S extends PolicySlot>(slot: S): SlotInstances[S] => {
    const found = REGISTRY[slot].find((e) => e.info.name === resolved[slot].info.name);
    if (!found) throw new Error(`internal: ${slot} policy ${resolved[slot].info.name} vanished from the registry`);
    return found.create(resolved[slot].params, task);
  };
  return { planning: make('planning'), tools: make('tools'), memory: make('memory'), prompt: make('prompt') };
}
