import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Genome } from '../../genome.js';
import { runAgent } from '../../loop.js';
import { hostPythonPath } from '../../testing/host-python.js';
import { TempDirSandbox } from '../../testing/temp-sandbox.js';
import { MemoryTrajectory } from '../../trajectory.js';
import { createModel } from '../registry.js';
import type { Model, ModelRequest } from '../types.js';

// TEST HELPER: one offline-model run on a built-in SWE task, on the host (python3 + pytest), graded the way the
// suite grades it (the hidden tests applied after the agent is done; every FAIL_TO_PASS and PASS_TO_PASS must
// pass). Every request the model receives is kept, so tests can check what it was (never) shown.

export const BUILTIN_SWE = fileURLToPath(new URL('../../../tasks/suites/builtin/swe/', import.meta.url));

export const EXP_01 = Genome.parse({
  model: 'offline',
  planning: { name: 'none' },
  tools: { name: 'editor' },
  memory: { name: 'full' },
  prompt: { name: 'detailed' },
  budgets: { steps: 30, wallClockSec: 600 },
});

function filesOf(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir)) {
    if (name === '__pycache__' || name === '.git') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) Object.assign(out, filesOf(path, `${prefix}${name}/`));
    else out[`${prefix}${name}`] = readFileSync(path, 'utf8');
  }
  return out;
}

export interface SuiteRun {
  resolved: boolean;
  requests: ModelRequest[];
  exitReason: string;
  steps: number;
  diff: string;
}

/** Runs `genome` (exp-01 with `changes`) on one built-in task and grades it with the hidden tests. */
export async function runOnTask(taskId: string, changes: Partial<Genome> = {}, seed?: number): Promise<SuiteRun> {
  const dir = join(BUILTIN_SWE, taskId);
  const instance = JSON.parse(readFileSync(join(dir, 'instance.json'), 'utf8')) as {
    problem_statement: string;
    FAIL_TO_PASS: string[];
    PASS_TO_PASS: string[];
  };
  const sandbox = await TempDirSandbox.create(filesOf(join(dir, 'repo')));
  const requests: ModelRequest[] = [];
  const genome = Genome.parse({ ...EXP_01, ...changes });
  const inner = await createModel(genome.model);
  const model: Model = {
    provider: inner.provider,
    modelId: inner.modelId,
    generate: (request, options) => {
      requests.push(structuredClone(request));
      return inner.generate(request, options);
    },
  };
  try {
    const result = await runAgent({
      genome,
      task: { id: taskId, statement: instance.problem_statement, workdir: sandbox.workdir },
      sandbox,
      model,
      trajectory: new MemoryTrajectory(),
      ...(seed === undefined ? {} : { seed }),
    });
    // Grading: the agent's diff on a fresh copy of the base, then the hidden tests.
    const grade = mkdtempSync(join(tmpdir(), 'evolve-grade-'));
    try {
      for (const [path, text] of Object.entries(filesOf(join(dir, 'repo')))) {
        execFileSync('mkdir', ['-p', join(grade, path, '..')]);
        writeFileSync(join(grade, path), text);
      }
      const git = (...args: string[]) => execFileSync('git', args, { cwd: grade, stdio: 'pipe' });
      git('init', '-q');
      for (const patch of [result.diff, readFileSync(join(dir, 'test.patch'), 'utf8')]) {
        if (patch.trim() === '') continue;
        writeFileSync(join(grade, '.patch'), patch);
        git('apply', '.patch');
      }
      const tests = [...new Set([...instance.FAIL_TO_PASS, ...instance.PASS_TO_PASS].map((t) => t.split('::')[0]))];
      let log = '';
      try {
        log = execFileSync('python3', ['-m', 'pytest', '-rA', '-p', 'no:cacheprovider', ...(tests as string[])], {
          cwd: grade,
          encoding: 'utf8',
          env: { ...process.env, PATH: hostPythonPath(), PYTHONDONTWRITEBYTECODE: '1' },
        });
      } catch (e) {
        log = String((e as { stdout?: string }).stdout ?? '');
      }
      const passed = new Set([...log.matchAll(/^PASSED (\S+)/gm)].map((m) => m[1]));
      const resolved = [...instance.FAIL_TO_PASS, ...instance.PASS_TO_PASS].every((t) => passed.has(t));
      return { resolved, requests, exitReason: result.exitReason, steps: result.steps, diff: result.diff };
    } finally {
      rmSync(grade, { recursive: true, force: true });
    }
  } finally {
    await sandbox.dispose();
  }
}
