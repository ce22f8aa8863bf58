import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { TaskLoadError } from './errors.js';
import { type Task, Task as TaskSchema } from './schema.js';

// Terminal-Bench task folders. Old layout: task.yaml, Dockerfile, run-tests.sh, tests/, solution.sh.
// New layout: instruction.md, task.toml, environment/Dockerfile, tests/test.sh (writes a reward file), solution/solve.sh.
// Tests and solutions are left out of the image's build context; tests are copied in only after the agent is done.

const TaskYaml = z.looseObject({
  instruction: z.string().min(1),
  difficulty: z.enum(['easy', 'medium', 'hard']).default('medium'),
  category: z.string().optional(),
  tags: z.array(z.string()).default([]),
  parser_name: z.string().default('pytest'),
  max_agent_timeout_sec: z.number().positive().default(900),
  max_test_timeout_sec: z.number().positive().default(180),
  run_tests_in_same_shell: z.boolean().default(false),
});

const TaskToml = z.looseObject({
  metadata: z
    .looseObject({
      difficulty: z.enum(['easy', 'medium', 'hard']).optional(),
      category: z.string().optional(),
      tags: z.array(z.string()).optional(),
    })
    .optional(),
  agent: z.looseObject({ timeout_sec: z.number().positive().optional() }).optional(),
  verifier: z.looseObject({ timeout_sec: z.number().positive().optional() }).optional(),
});

/** Where the new layout's tests/test.sh writes its verdict. */
export const REWARD_FILE = '/logs/verifier/reward.txt';
const HIDDEN = ['tests', 'solution.sh', 'run-tests.sh', 'solution'];

function parseWith<S extends z.ZodTypeAny>(schema: S, raw: unknown, file: string): z.infer<S> {
  const r = schema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new TaskLoadError(file, undefined, issue.path.join('.') || undefined, issue.message);
  }
  return r.data;
}

function readText(file: string): string {
  if (!existsSync(file)) throw new TaskLoadError(file, undefined, undefined, 'missing');
  return readFileSync(file, 'utf8');
}

export function isTerminalBenchTask(dir: string): boolean {
  return existsSync(join(dir, 'task.yaml')) || existsSync(join(dir, 'task.toml'));
}

export function loadTerminalBenchTask(dir: string, suite: string): Task {
  const id = basename(dir);
  if (existsSync(join(dir, 'task.yaml'))) {
    const file = join(dir, 'task.yaml');
    let raw: unknown;
    try {
      raw = parseYaml(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new TaskLoadError(file, undefined, undefined, `not valid YAML (${(e as Error).message})`);
    }
    const y = parseWith(TaskYaml, raw, file);
    return TaskSchema.parse({
      id,
      suite,
      kind: 'terminal-bench',
      statement: y.instruction,
      difficulty: y.difficulty,
      tags: withCategory(y.tags, y.category),
      environment: {
        dockerfile: readText(join(dir, 'Dockerfile')),
        contextDir: dir,
        contextExclude: HIDDEN,
        workdir: '/app',
        network: false,
      },
      workspace: { kind: 'image' },
      limits: { agentTimeoutSec: y.max_agent_timeout_sec, testTimeoutSec: y.max_test_timeout_sec },
      grader: {
        kind: 'terminal-bench',
        testsDir: join(dir, 'tests'),
        testScript: readText(join(dir, 'run-tests.sh')),
        mode: 'pytest',
        logParser: y.parser_name,
      },
      ...(existsSync(join(dir, 'solution.sh'))
        ? { gold: { kind: 'script', script: readFileSync(join(dir, 'solution.sh'), 'utf8') } }
        : {}),
      upstream: y,
    });
  }
  const file = join(dir, 'task.toml');
  let raw: unknown;
  try {
    raw = parseToml(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new TaskLoadError(file, undefined, undefined, `not valid TOML (${(e as Error).message})`);
  }
  const t = parseWith(TaskToml, raw, file);
  const envDir = join(dir, 'environment');
  return TaskSchema.parse({
    id,
    suite,
    kind: 'terminal-bench',
    statement: readText(join(dir, 'instruction.md')),
    difficulty: t.metadata?.difficulty ?? 'medium',
    tags: withCategory(t.metadata?.tags ?? [], t.metadata?.category),
    environment: {
      dockerfile: readText(join(envDir, 'Dockerfile')),
      contextDir: envDir,
      contextExclude: HIDDEN,
      workdir: '/app',
      network: false,
    },
    workspace: { kind: 'image' },
    limits: { agentTimeoutSec: t.agent?.timeout_sec ?? 900, testTimeoutSec: t.verifier?.timeout_sec ?? 180 },
    grader: {
      kind: 'terminal-bench',
      testsDir: join(dir, 'tests'),
      testScript: readText(join(dir, 'tests', 'test.sh')),
      mode: 'reward',
      logParser: 'pytest',
    },
    ...(existsSync(join(dir, 'solution', 'solve.sh'))
      ? { gold: { kind: 'script', script: readFileSync(join(dir, 'solution', 'solve.sh'), 'utf8') } }
      : {}),
    upstream: t,
  });
}

/** The task's tags plus its category as one more tag, each once (tasks often repeat the category among the tags). */
function withCategory(tags: string[], category: string | undefined): string[] {
  return [...new Set([...tags, ...(category ? [category] : [])])];
}
