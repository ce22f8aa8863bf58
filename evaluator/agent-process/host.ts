import { spawn } from 'node:child_process';
import type { RunAgentOptions } from '../../agent/loop.js';
import type { Model } from '../../agent/models/types.js';
import { TrajectoryEvent, type TrajectorySink, type UsageTotals } from '../../agent/trajectory.js';
import type { Sandbox } from '../sandbox/types.js';
import type { AgentBundle } from './bundle.js';
import { confinement } from './confine.js';
import { type SandboxOp, type ToAgent, type ToHost, toWireError } from './protocol.js';

// The evaluator's side of a confined agent run: starts the process (confine.ts) on the bundle, then answers its
// requests: model calls through the gateway, the four sandbox operations, and trajectory events into the
// (redacting) sink. A run's cancellation is passed on; a process that does not stop in time is killed.

export interface ConfinedRunOptions {
  bundle: AgentBundle;
  genome: RunAgentOptions['genome'];
  task: RunAgentOptions['task'];
  sandbox: Sandbox;
  /** The gateway: budgets, metering, redaction and model_call records happen here, in the evaluator. */
  model: Model;
  trajectory: TrajectorySink;
  /** Applied to anything the process says that ends up in a record (its crash message, its stderr). */
  redact: <T>(value: T) => T;
  signal: AbortSignal;
  /** After a cancellation, how long the agent has to write its run_end before it is killed. */
  graceMs?: number;
  memoryMb?: number;
  /** The run's sampling seed (its repeat index), passed to the agent loop. */
  seed?: number;
}

export interface ConfinedResult {
  exitReason: string;
  usage: UsageTotals;
  steps: number;
  /**
   * The evaluator itself saw a sandbox operation fail from outside the container (fromOutside). The agent's word that
   * the sandbox failed is not evidence: a run ended as `sandbox_error` is an infrastructure error (left out of the
   * score) only when this is true.
   */
  sandboxFailed: boolean;
}

/**
 * A sandbox failure no agent can cause: the engine out of reach, or the container removed by someone else. What
 * happens inside the container is the agent's doing: its commands out of memory or processes, a file it cannot
 * write, a disk it filled, its container's main process stopped (a root agent can), so those end its run as its own
 * failure, never as one left out of the score.
 */
function fromOutside(error: unknown): boolean {
  const e = error as { name?: unknown; kind?: unknown; message?: unknown };
  if (e?.name !== 'SandboxError') return false;
  return (
    e.kind === 'engine_unavailable' || (e.kind === 'container_gone' && /no such container/i.test(String(e.message)))
  );
}

/**
 * The agent process failed: `agent_crash` (its own code threw, or it ended before its result) is the agent's failure,
 * whatever kind the process named; `agent_start` (it could not be started) is the machinery's.
 */
export class AgentProcessError extends Error {
  override readonly name = 'AgentProcessError';
  constructor(
    message: string,
    readonly kind: 'agent_crash' | 'agent_start',
  ) {
    super(message);
  }
}

export function runConfinedAgent(o: ConfinedRunOptions): Promise<ConfinedResult> {
  const c = confinement([o.bundle.dir], { memoryMb: o.memoryMb });
  const child = spawn(process.execPath, [...c.execArgv, o.bundle.file], {
    cwd: o.bundle.dir,
    env: c.env,
    ...(c.uid === undefined ? {} : { uid: c.uid, gid: c.gid }),
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    serialization: 'advanced',
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const calls = new Map<number, AbortController>();
  let sandboxFailed = false;
  const reply = (m: ToAgent) => {
    if (child.connected) child.send(m);
  };

  return new Promise<ConfinedResult>((resolve, reject) => {
    let settled = false;
    let killer: NodeJS.Timeout | undefined;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(killer);
      o.signal.removeEventListener('abort', onAbort);
      for (const c of calls.values()) c.abort();
      fn();
    };
    const onAbort = () => {
      reply({ t: 'abort' });
      killer = setTimeout(() => child.kill('SIGKILL'), o.graceMs ?? 10_000);
    };
    if (o.signal.aborted) onAbort();
    else o.signal.addEventListener('abort', onAbort, { once: true });

    const answer = (id: number, work: (signal: AbortSignal) => Promise<unknown>) => {
      const ctl = new AbortController();
      calls.set(id, ctl);
      work(AbortSignal.any([o.signal, ctl.signal]))
        .then(
          (value) => reply({ t: 'reply', id, value }),
          (error: unknown) => reply({ t: 'reply', id, error: o.redact(toWireError(error)) }),
        )
        .finally(() => calls.delete(id));
    };

    child.on('message', (m: ToHost) => {
      switch (m.t) {
        case 'ready':
          reply({
            t: 'start',
            genome: o.genome,
            task: o.task,
            sandbox: { id: o.sandbox.id, workdir: o.sandbox.workdir },
            model: { provider: o.model.provider, modelId: o.model.modelId },
            ...(o.seed === undefined ? {} : { seed: o.seed }),
          });
          break;
        case 'event':
          writeEvent(o.trajectory, m.event);
          break;
        case 'generate':
          answer(m.id, (signal) => o.model.generate(m.request, { signal }));
          break;
        case 'sandbox':
          answer(m.id, () =>
            sandboxCall(o.sandbox, m.call).catch((error: unknown) => {
              if (fromOutside(error)) sandboxFailed = true;
              throw error;
            }),
          );
          break;
        case 'cancel':
          calls.get(m.id)?.abort();
          break;
        case 'done':
          finish(() =>
            resolve({
              exitReason: m.result.exitReason,
              usage: m.result.usage as UsageTotals,
              steps: m.result.steps,
              sandboxFailed,
            }),
          );
          break;
        case 'crash':
          // The kind the process names is not taken: a crash is the agent's own, never an infrastructure error.
          finish(() => reject(new AgentProcessError(o.redact(m.error.message), 'agent_crash')));
          break;
      }
    });
    child.on('error', (error) =>
      finish(() => reject(new AgentProcessError(`the agent process could not start: ${error.message}`, 'agent_start'))),
    );
    child.on('close', (code, signal) =>
      finish(() =>
        reject(
          new AgentProcessError(
            o.redact(
              `the agent process ended (${signal ?? `exit ${code}`}) before its result${stderr ? `: ${stderr.trim().split('\n').slice(-8).join('\n')}` : ''}`,
            ),
            'agent_crash',
          ),
        ),
      ),
    );
  });
}

/** The agent may send only well-formed trajectory events; anything else is recorded as what it is. */
function writeEvent(sink: TrajectorySink, event: unknown): void {
  const parsed = TrajectoryEvent.safeParse({ ts: 0, ...(event as object) });
  if (parsed.success) sink.write(event as Parameters<TrajectorySink['write']>[0]);
  else
    sink.write({
      type: 'error',
      step: 0,
      phase: 'policy',
      kind: 'bad_event',
      message: `the agent sent a malformed trajectory event: ${parsed.error.issues[0]?.message ?? ''}`,
    });
}

function sandboxCall(sandbox: Sandbox, call: SandboxOp): Promise<unknown> {
  switch (call.op) {
    case 'exec': {
      // The agent runs commands as the sandbox's user: choosing another (root) is not part of the channel.
      const { user: _user, ...options } = call.options ?? {};
      return sandbox.exec(call.command, options);
    }
    case 'writeFile':
      return sandbox.writeFile(call.path, call.content);
    case 'readFile':
      return sandbox.readFile(call.path);
    case 'diff':
      return sandbox.diff();
    default:
      return Promise.reject(new Error(`unknown sandbox operation ${(call as { op: string }).op}`));
  }
}
