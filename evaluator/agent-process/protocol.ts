import type { RunAgentOptions } from '../../agent/loop.js';
import type { ModelRequest, ModelResponse } from '../../agent/models/types.js';
import type { TrajectoryEventInput } from '../../agent/trajectory.js';
import type { ExecOptions } from '../sandbox/types.js';

// The narrow channel between the evaluator and a confined agent process (Node IPC, structured-clone messages).
// The agent may ask for exactly two things: a model call (answered by the gateway, which alone holds keys) and a
// sandbox operation among exec, writeFile, readFile and diff (copyIn/copyOut would read or write the host: absent).
// Everything else it sends is a trajectory event, written by the evaluator after redaction, or its result.

export type SandboxOp =
  | { op: 'exec'; command: string; options?: ExecOptions }
  | { op: 'writeFile'; path: string; content: string | Uint8Array }
  | { op: 'readFile'; path: string }
  | { op: 'diff' };

/** An error carried across: enough for the loop to classify it (name, kind) and for a person to read it. */
export interface WireError {
  name: string;
  kind?: string;
  message: string;
  status?: number;
}

export type ToHost =
  | { t: 'ready' }
  | { t: 'event'; event: TrajectoryEventInput }
  | { t: 'generate'; id: number; request: ModelRequest }
  | { t: 'sandbox'; id: number; call: SandboxOp }
  | { t: 'cancel'; id: number }
  | { t: 'done'; result: { exitReason: string; usage: Record<string, number | undefined>; steps: number } }
  | { t: 'crash'; error: WireError };

export type ToAgent =
  | {
      t: 'start';
      genome: RunAgentOptions['genome'];
      task: RunAgentOptions['task'];
      sandbox: { id: string; workdir: string };
      model: { provider: string; modelId: string };
      /** The run's sampling seed (its repeat index). */
      seed?: number;
    }
  | { t: 'reply'; id: number; value?: unknown; error?: WireError }
  | { t: 'abort' };

export type { ModelRequest, ModelResponse };

export function toWireError(error: unknown): WireError {
  const e = error as { name?: unknown; kind?: unknown; message?: unknown; status?: unknown };
  return {
    name: typeof e?.name === 'string' ? e.name : 'Error',
    ...(typeof e?.kind === 'string' ? { kind: e.kind } : {}),
    message: typeof e?.message === 'string' ? e.message : String(error),
    ...(typeof e?.status === 'number' ? { status: e.status } : {}),
  };
}
