import { readFileSync } from 'node:fs';
import { ModelCallEventSchema, type ModelCallEvent } from './call-record.js';
import type { Model, ModelErrorKind, ModelRequest, ModelResponse } from './types.js';
import { ModelError } from './types.js';

// Plays back a recorded trajectory's model calls in order, so a run can be re-analysed deterministically.
// A recorded failure is replayed as the same ModelError. Strict when it runs out, like the scripted model.

export class ReplayModel implements Model {
  readonly provider = 'replay';
  readonly modelId: string;
  private next = 0;

  constructor(
    private readonly calls: ModelCallEvent[],
    readonly source: string,
  ) {
    this.modelId = calls[0] ? `${calls[0].provider}/${calls[0].modelId}` : 'empty';
  }

  async generate(request: ModelRequest): Promise<ModelResponse> {
    const call = this.calls[this.next];
    if (!call) {
      throw new ModelError(
        'script_exhausted',
        `replay of ${this.source}: no more recorded model calls (had ${this.calls.length}); the run diverged from the recording at a request with ${request.messages.length} messages`,
        undefined,
        false,
        { hint: 'Replay needs the same genome and task as the recorded run; a changed policy asks for more calls.' },
      );
    }
    this.next++;
    if (call.error)
      throw new ModelError(call.error.kind as ModelErrorKind, call.error.message, call.error.status, false);
    if (!call.response)
      throw new ModelError('bad_request', `replay of ${this.source}: call #${call.seq} has neither response nor error`);
    return structuredClone(call.response);
  }

  get remaining(): number {
    return this.calls.length - this.next;
  }
}

/** Reads the model_call events of a JSONL trajectory; other event types (tool calls, memory, ...) are skipped. */
export function readModelCalls(path: string): ModelCallEvent[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ModelError(
      'not_found',
      `replay: cannot read trajectory ${path}: ${(error as Error).message}`,
      undefined,
      false,
      {
        hint: 'Give the path of a trajectory.jsonl written by an earlier run, e.g. replay:runs/<run>/trajectory.jsonl.',
      },
    );
  }
  const calls: ModelCallEvent[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new ModelError('bad_request', `replay: ${path} line ${index + 1} is not JSON`, undefined, false, {
        hint: 'The trajectory file is damaged.',
      });
    }
    if ((value as { type?: unknown })?.type !== 'model_call') return;
    const parsed = ModelCallEventSchema.safeParse(value);
    if (!parsed.success) {
      throw new ModelError(
        'bad_request',
        `replay: ${path} line ${index + 1} is not a valid model_call event: ${parsed.error.issues[0]?.message}`,
        undefined,
        false,
        {
          hint: 'The trajectory was written by an incompatible version of evolve.',
        },
      );
    }
    calls.push(parsed.data);
  });
  return calls;
}

export function createReplayModel(path: string): ReplayModel {
  return new ReplayModel(readModelCalls(path), path);
}
