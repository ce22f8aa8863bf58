import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ExecOptions, ExecResult, Sandbox } from '../../evaluator/sandbox/types.js';
import { hostPythonPath } from './host-python.js';

// TEST DOUBLE: a Sandbox over a host temp directory, for the agent's tests before evaluator/sandbox/local.ts
// existed. Commands run with bash on the host, in the temp dir (the sandbox "workdir" IS the host path), with
// a timeout that kills the process group. Not isolated: never run untrusted commands with it.

export class TempDirSandbox implements Sandbox {
  readonly id: string;
  readonly workdir: string;

  private constructor(dir: string) {
    this.workdir = dir;
    this.id = `temp-${dir.split('/').at(-1)}`;
  }

  /** A temp git repository holding `files`, committed as the base. */
  static async create(files: Record<string, string> = {}): Promise<TempDirSandbox> {
    const dir = mkdtempSync(join(tmpdir(), 'evolve-agent-'));
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
    }
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', ...args], { cwd: dir, stdio: 'pipe' });
    git('init', '-q');
    git('add', '-A');
    git('commit', '-q', '--allow-empty', '-m', 'base');
    return new TempDirSandbox(dir);
  }

  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const started = Date.now();
    return new Promise((resolve) => {
      const child = spawn('bash', ['-c', command], {
        cwd: options.cwd ?? this.workdir,
        // As the real sandboxes: a minimal environment, never the host's (its keys and tokens stay out). python3 is
        // the host's interpreter itself, not a version manager's slow shim (host-python.ts).
        env: { PATH: hostPythonPath(), HOME: this.workdir, LANG: 'C.UTF-8', ...options.env },
        detached: true,
      });
      let output = '';
      let truncated = false;
      let timedOut = false;
      const cap = options.outputCapBytes ?? 1_000_000;
      const onData = (chunk: Buffer) => {
        if (output.length >= cap) return void (truncated = true);
        output += chunk.toString('utf8');
        if (output.length > cap) [output, truncated] = [output.slice(0, cap), true];
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      if (options.stdin !== undefined) child.stdin.end(options.stdin);
      else child.stdin.end();
      const timer = options.timeoutMs
        ? setTimeout(() => {
            timedOut = true;
            try {
              process.kill(-child.pid!, 'SIGKILL');
            } catch {
              /* already gone */
            }
          }, options.timeoutMs)
        : undefined;
      child.on('close', (code) => {
        if (timer) clearTimeout(timer);
        resolve({ exitCode: code ?? 137, output, timedOut, truncated, durationMs: Date.now() - started });
      });
    });
  }

  async writeFile(path: string, content: string | Uint8Array): Promise<void> {
    writeFileSync(path, content);
  }

  async readFile(path: string): Promise<string> {
    return readFileSync(path, 'utf8');
  }

  async copyIn(hostDir: string, sandboxDir: string): Promise<void> {
    cpSync(hostDir, sandboxDir, { recursive: true });
  }

  async copyOut(sandboxDir: string, hostDir: string): Promise<void> {
    cpSync(sandboxDir, hostDir, { recursive: true });
  }

  async diff(): Promise<string> {
    const r = await this.exec('git add -A -N . && git -c core.quotepath=off diff HEAD');
    return r.output;
  }

  async dispose(): Promise<void> {
    rmSync(this.workdir, { recursive: true, force: true });
  }
}
