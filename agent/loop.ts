import type { Sandbox } from '../evaluator/sandbox/types.js';
import type { AgentTaskView } from './task-view.js';
import { ExitReason } from './exit-reason.js';
import { Genome, genomeHash } from './genome.js';
import {
  type Message,
  type Model,
  ModelError,
  type ModelRequest,
  type ModelResponse,
  type ToolCallPart,
} from './models/types.js';
import { summarizeRequest } from './models/call-record.js';
import { instantiatePolicies, resolvePolicies } from './policies/registry.js';
import { PinnedSections, type AgentServices, type Turn } from './policies/types.js';
import { dispatchToolCalls } from './tool-dispatch.js';
import type { TrajectorySink, UsageTotals } from './trajectory.js';
import { responseCost, UsageMeter } from './usage-meter.js';

// The agent: a linear history, one model call per step, limits checked before every model call, tool calls
// executed in the sandbox, every event written as it happens. Policies add to this core through AgentServices.

export { ExitReason };

export interface RunAgentOptions {
  genome: Genome;
  task: AgentTaskView;
  sandbox: Sandbox;
  /** Already wrapped by the evaluator's gateway (which meters, enforces budgets and redacts). */
  model: Model;
  trajectory: TrajectorySink;
  signal?: AbortSignal;
  now?: () => number;
  /** Consecutive malformed replies (no tool call, unknown tool, bad arguments) before format_error. */
  maxFormatErrors?: number;
  maxTokensPerCall?: number;
  /** Write a model_call event per call (default). Pass false when the model is a gateway writing to the same sink. */
  recordModelCalls?: boolean;
  /** Sampling seed passed on every agent call (the evaluator gives the repeat index), so repeats differ. */
  seed?: number;
}

export interface AgentResult {
  exitReason: ExitReason;
  /** sandbox.diff() at the end ('' if the sandbox could not give one). */
  diff: string;
  usage: UsageTotals;
  /** Completed agent steps (model replies acted on); plan and summary calls are not steps. */
  steps: number;
  durationMs: number;
  error?: string;
}

const NUDGE =
  'Your reply did not call a tool. Every reply must call exactly one tool; when the task is done, call `submit`.';

/** A limit reached or a cancellation: ends the run with this reason. */
class RunStop extends Error {
  constructor(readonly reason: ExitReason) {
    super(reason);
  }
}

export async function runAgent(options: RunAgentOptions): Promise<AgentResult> {
  const { task, sandbox, model, trajectory, signal } = options;
  const genome = Genome.parse(options.genome);
  const now = options.now ?? Date.now;
  const started = now();
  const policies = instantiatePolicies(resolvePolicies(genome), task);
  const meter = new UsageMeter(genome.budgets, now, started + genome.budgets.wallClockSec * 1000);
  const history: Turn[] = [];
  let phase: 'model' | 'tool' | 'policy' = 'policy';

  const services: AgentServices = {
    task,
    system: '',
    instance: '',
    pinned: new PinnedSections(),
    step: () => history.length + 1,
    history: () => history,
    callModel: (purpose, r) =>
      callModel(purpose, {
        system: r.system ?? services.system,
        messages: r.messages,
        tools: r.withTools ? toolDefs : [],
        maxTokens: r.maxTokens ?? maxTokens,
      }),
    record: (event) => trajectory.write(event),
  };
  const tools = [...policies.tools, ...policies.memory.tools(() => services)];
  const toolsById = new Map(tools.map((t) => [t.id, t]));
  const toolDefs = tools.map((t) => t.definition);
  const maxTokens = options.maxTokensPerCall ?? 4096;
  const prompt = policies.prompt.render({
    task_id: task.id,
    statement: task.statement,
    workdir: task.workdir,
    test_command: task.visibleTestCommand ?? '',
    tools: tools.map((t) => `- ${t.id}: ${t.definition.description}`).join('\n'),
  });
  Object.assign(services, prompt);
  trajectory.write({
    type: 'run_start',
    step: 0,
    taskId: task.id,
    workdir: task.workdir,
    genome,
    genomeHash: genomeHash(genome),
    tools: [...toolsById.keys()],
    ...prompt,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  });

  let callSeq = 0;
  async function callModel(purpose: string, request: ModelRequest): Promise<ModelResponse> {
    const limit = signal?.aborted ? 'time_limit' : meter.exceeded();
    if (limit) throw new RunStop(limit);
    const callStarted = now();
    const record = (outcome: { response?: ModelResponse; error?: { kind: string; message: string } }) => {
      if (options.recordModelCalls === false) return; // the gateway records it
      const { response, error } = outcome;
      const cost = response && responseCost(response);
      trajectory.write({
        type: 'model_call',
        step: services.step(),
        at: new Date(callStarted).toISOString(),
        seq: ++callSeq,
        provider: model.provider,
        modelId: model.modelId,
        request: summarizeRequest({ ...request, purpose }),
        usage: response?.usage ?? {},
        latencyMs: now() - callStarted,
        retries: [],
        ...(response ? { response } : {}),
        ...(error ? { error } : {}),
        ...(cost === undefined ? {} : { costUsd: cost }),
      });
    };
    phase = 'model';
    const deadline = AbortSignal.timeout(Math.max(1, meter.remainingMs()));
    try {
      const response = await model.generate(
        { ...request, purpose },
        { signal: signal ? AbortSignal.any([signal, deadline]) : deadline },
      );
      phase = 'policy';
      meter.add(response);
      record({ response });
      return response;
    } catch (error) {
      const e = error as { kind?: string; message?: string };
      record({ error: { kind: e.kind ?? 'error', message: String(e.message ?? error) } });
      throw error; // phase stays 'model' so the error is classified as the model's
    }
  }

  async function steps(): Promise<ExitReason> {
    let formatErrors = 0;
    for (;;) {
      if (signal?.aborted) return 'time_limit';
      if (history.length >= genome.budgets.steps) return 'step_limit';
      const limit = meter.exceeded();
      if (limit) return limit;
      const step = services.step();
      await policies.planning.beforeStep(services);
      const messages: Message[] = await policies.memory.buildContext(history, services);
      const response = await callModel('agent', {
        system: services.system,
        messages,
        tools: toolDefs,
        maxTokens,
        steps: { current: step, limit: genome.budgets.steps },
        ...(options.seed === undefined ? {} : { seed: options.seed }),
      });
      const assistant = {
        role: 'assistant' as const,
        content: response.content.length > 0 ? response.content : [{ type: 'text' as const, text: '(empty reply)' }],
      };
      const calls = response.content.filter((p): p is ToolCallPart => p.type === 'tool_call');
      // A refusal would only repeat if nudged: end the run with the model's words as a typed error.
      if (calls.length === 0 && response.stopReason === 'refusal') {
        const said = response.content
          .flatMap((p) => (p.type === 'text' ? [p.text] : []))
          .join(' ')
          .slice(0, 500);
        throw new ModelError('refusal', `the model refused the task${said ? `: ${said}` : ''}`);
      }
      if (calls.length === 0) {
        formatErrors += 1;
        trajectory.write({ type: 'error', step, phase: 'format', kind: 'no_tool_call', message: NUDGE });
        history.push({ step, assistant, observation: { role: 'user', content: NUDGE } });
      } else {
        phase = 'tool';
        const ctx = { sandbox, task, signal, remainingMs: () => meter.remainingMs() };
        const dispatched = await dispatchToolCalls(calls, toolsById, ctx, trajectory, step, now);
        phase = 'policy';
        history.push({ step, assistant, observation: dispatched.observation });
        if (dispatched.submitted) return 'submitted';
        formatErrors = dispatched.wellFormed > 0 ? 0 : formatErrors + dispatched.malformed;
        policies.planning.afterStep?.(dispatched.outcomes, services);
      }
      if (formatErrors >= (options.maxFormatErrors ?? 3)) return 'format_error';
    }
  }

  let exitReason: ExitReason;
  let error: string | undefined;
  try {
    exitReason = await steps();
  } catch (thrown) {
    const reason = classifyError(thrown, phase, meter, signal);
    const e = thrown as { name?: string; kind?: string; message?: string };
    if (!(thrown instanceof RunStop))
      trajectory.write({
        type: 'error',
        step: services.step(),
        phase,
        kind: e.kind ?? e.name ?? 'error',
        message: String(e.message ?? thrown),
      });
    if (!reason) throw thrown; // a bug in the agent itself: the trajectory keeps everything up to here
    exitReason = reason;
    if (!(thrown instanceof RunStop))
      error = `${e.name ?? 'Error'}${e.kind ? ` (${e.kind})` : ''}: ${e.message ?? String(thrown)}`;
  }
  const diff = await sandbox.diff().catch((e: unknown) => {
    error ??= `sandbox.diff failed: ${String((e as Error).message ?? e)}`;
    return '';
  });
  const result: AgentResult = {
    exitReason,
    diff,
    usage: { ...meter.totals },
    steps: history.length,
    durationMs: now() - started,
    ...(error ? { error } : {}),
  };
  trajectory.write({
    type: 'run_end',
    step: history.length,
    exitReason,
    usage: result.usage,
    steps: result.steps,
    durationMs: result.durationMs,
    diffChars: diff.length,
    ...(error ? { error } : {}),
  });
  return result;
}

/** Maps what ended a run to an exit reason; undefined for errors that are bugs of the agent itself. */
function classifyError(
  thrown: unknown,
  phase: 'model' | 'tool' | 'policy',
  meter: UsageMeter,
  signal?: AbortSignal,
): ExitReason | undefined {
  if (thrown instanceof RunStop) return thrown.reason;
  const e = thrown as { name?: string; kind?: string; message?: string };
  if (signal?.aborted || meter.remainingMs() <= 0) return 'time_limit';
  if (e.name === 'ModelError') {
    if (e.kind === 'context_overflow') return 'context_overflow';
    if (e.kind === 'budget_exceeded') return meter.budgetKind(e.message ?? '');
    return 'model_error';
  }
  if (e.name === 'SandboxError') return 'sandbox_error';
  if (phase === 'model') return 'model_error';
  if (phase === 'tool') return 'sandbox_error';
  return undefined;
}
