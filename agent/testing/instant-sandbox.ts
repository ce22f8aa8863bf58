import type { ExecResult, Sandbox } from '../../evaluator/sandbox/types.js';

// A Sandbox whose every operation returns at once with canned output: for measuring the loop's own overhead
// (bench/agent.ts) and for tests that do not care about the workspace.

export class InstantSandbox implements Sandbox {
  readonly id = 'instant';
  readonly workdir = '/work';
  readonly files = new Map<string, string>();
  commands = 0;

  constructor(private readonly output: (command: string) => string = () => 'ok\n') {}

  async exec(command: string): Promise<ExecResult> {
    this.commands += 1;
    if (command.startsWith('if [ -d '))
      return { exitCode: 0, output: 'file\n', timedOut: false, truncated: false, durationMs: 0 };
    return { exitCode: 0, output: this.output(command), timedOut: false, truncated: false, durationMs: 0 };
  }
  async writeFile(path: string, content: string | Uint8Array): Promise<void> {
    this.files.set(path, typeof content === 'string' ? content : Buffer.from(content).toString('utf8'));
  }
  async readFile(path: string): Promise<string> {
    return this.files.get(path) ?? 'line one\nline two\n';
  }
  async copyIn(): Promise<void> {}
  async copyOut(): Promise<void> {}
  async diff(): Promise<string> {
    return '';
  }
  async dispose(): Promise<void> {}
}
