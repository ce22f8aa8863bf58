import type { runAgent as RunAgent } from '../../agent/loop.js';
import type { GenerateOptions, Model, ModelRequest, ModelResponse } from '../../agent/models/types.js';
import type { TrajectoryEventInput } from '../../agent/trajectory.js';
import type { ExecOptions, ExecResult, Sandbox } from '../sandbox/types.js';
import type { SandboxOp, ToAgent, ToHost, WireError } from './protocol.js';

// Runs inside the confined agent process (bundled with the agent's own loop by bundle.ts). It imports nothing at
// run time: the loop gets a Model and a Sandbox whose every call is a message to the evaluator, and a trajectory
// sink that sends each event to be redacted and written there. The process holds no key, no path to any task
// folder or database, and could not read them if it had one.

type ModelErrorClass = new (kind: never, message: string, status?: number) => Error;

export function serveAgent(runAgent: typeof RunAgent, ModelError: ModelErrorClass): void {
  const send = (message: ToHost) => process.send!(message);
  /** The last message: the channel closes once it has gone, and the process ends with nothing left to do. */
  const last = (message: ToHost) => {
    finished = true;
    process.send!(message, undefined, {}, () => process.disconnect());
  };
  let finished = false;
  const waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let next = 0;
  const abort = new AbortController();

  const revive = (e: WireError, asModel: boolean): Error => {
    const error =
      asModel && e.name === 'ModelError' ? new ModelError(e.kind as never, e.message, e.status) : new Error(e.message);
    if (!(asModel && e.name === 'ModelError'))
      Object.assign(
        error,
        { name: e.name, ...(e.kind ? { kind: e.kind } : {}) },
        e.status === undefined ? {} : { status: e.status },
      );
    return error;
  };
  const ask = <T>(
    message: { t: 'generate'; request: ModelRequest } | { t: 'sandbox'; call: SandboxOp },
    signal?: AbortSignal,
  ): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = ++next;
      waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      send({ ...message, id });
      // A deadline or cancellation on this side: stop waiting, and tell the evaluator to abandon the call.
      signal?.addEventListener(
        'abort',
        () => {
          if (!waiting.delete(id)) return;
          send({ t: 'cancel', id });
          reject(Object.assign(new Error('the call was cancelled'), { name: 'AbortError' }));
        },
        { once: true },
      );
    });

  process.on('message', (raw: ToAgent) => {
    if (raw.t === 'abort') abort.abort();
    else if (raw.t === 'reply') {
      const w = waiting.get(raw.id);
      if (!w) return;
      waiting.delete(raw.id);
      if (raw.error) w.reject(revive(raw.error, true));
      else w.resolve(raw.value);
    } else if (raw.t === 'start') void start(raw);
  });
  // The evaluator going away ends the agent: nothing here may outlive its run.
  process.on('disconnect', () => process.exit(finished ? 0 : 1));

  async function start(s: Extract<ToAgent, { t: 'start' }>) {
    const model: Model = {
      provider: s.model.provider,
      modelId: s.model.modelId,
      // Functions and signals do not cross: a cancel message stands for the signal.
      generate: (request: ModelRequest, options?: GenerateOptions) =>
        ask<ModelResponse>({ t: 'generate', request: stripFunctions(request) }, options?.signal),
    };
    const sandbox: Sandbox = {
      id: s.sandbox.id,
      workdir: s.sandbox.workdir,
      exec: (command: string, options?: ExecOptions) =>
        ask<ExecResult>({ t: 'sandbox', call: { op: 'exec', command, ...(options ? { options } : {}) } }),
      writeFile: (path: string, content: string | Uint8Array) =>
        ask<void>({ t: 'sandbox', call: { op: 'writeFile', path, content } }),
      readFile: (path: string) => ask<string>({ t: 'sandbox', call: { op: 'readFile', path } }),
      diff: () => ask<string>({ t: 'sandbox', call: { op: 'diff' } }),
      copyIn: () => Promise.reject(new Error('copyIn reads the host: not available to the agent')),
      copyOut: () => Promise.reject(new Error('copyOut writes the host: not available to the agent')),
      dispose: () => Promise.resolve(),
    };
    try {
      const result = await runAgent({
        genome: s.genome,
        task: s.task,
        sandbox,
        model,
        trajectory: { write: (event: TrajectoryEventInput) => send({ t: 'event', event }) },
        signal: abort.signal,
        recordModelCalls: false,
        ...(s.seed === undefined ? {} : { seed: s.seed }),
      });
      last({ t: 'done', result: { exitReason: result.exitReason, usage: { ...result.usage }, steps: result.steps } });
    } catch (error) {
      const e = error as { name?: string; kind?: string; message?: string; stack?: string };
      last({
        t: 'crash',
        error: {
          name: e?.name ?? 'Error',
          ...(e?.kind ? { kind: e.kind } : {}),
          message: String(e?.stack ?? e?.message ?? error),
        },
      });
    }
  }
  send({ t: 'ready' });
}

function stripFunctions<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
