import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { TaskLoadError } from './errors.js';
import { type Task, Task as TaskSchema } from './schema.js';

// Terminal-Bench task folders. Old layout (Terminal-Bench v1): task.yaml, Dockerfile, run-tests.sh, tests/,
// solution.sh. New layout (Harbor): instruction.md, task.toml, environment/Dockerfile, tests/test.sh (writes a reward
// file), solution/solve.sh. Tests and solutions are left out of the image's build context; tests are copied in only
// after the agent is done. As in both harnesses, the agent works as the image's user (root unless the Dockerfile, the
// compose file or task.toml names another) in the image's WORKDIR.

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
  agent: z
    .looseObject({ timeout_sec: z.number().positive().optional(), user: z.union([z.string(), z.number()]).optional() })
    .optional(),
  verifier: z
    .looseObject({ timeout_sec: z.number().positive().optional(), env: z.record(z.string(), z.string()).optional() })
    .optional(),
  solution: z.looseObject({ env: z.record(z.string(), z.string()).optional() }).optional(),
  environment: z.looseObject({ docker_image: z.string().min(1).optional() }).optional(),
});

/**
 * A task.toml env table's literal values. Upstream fills `${VAR}` from the host's environment; evolve never hands
 * host variables (keys among them) to a task's container, so those entries are left out.
 */
function literalEnv(env: Record<string, string> | undefined): Record<string, string> | undefined {
  const kept = Object.entries(env ?? {}).filter(([k, v]) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) && !v.includes('${'));
  return kept.length ? Object.fromEntries(kept) : undefined;
}

/** Harbor's default verifier timeout (task.toml [verifier] timeout_sec). */
const HARBOR_VERIFIER_TIMEOUT_SEC = 600;

/** The WORKDIR and USER the image ends with, as far as its Dockerfile says (a base image may set them too). */
export function dockerfileFacts(dockerfile: string): { workdir?: string; user?: string } {
  const last = (word: string) => {
    const all = [...dockerfile.matchAll(new RegExp(`^\\s*${word}\\s+(\\S+)`, 'gim'))];
    return all.at(-1)?.[1]?.replace(/^["']|["']$/g, '');
  };
  const workdir = last('WORKDIR');
  const user = last('USER')?.split(':')[0];
  return {
    ...(workdir?.startsWith('/') ? { workdir } : {}),
    ...(user && user !== 'root' && user !== '0' ? { user } : {}),
  };
}

/** What a v1 task's docker-compose.yaml says: the user its client container runs as, and its other services. */
function composeFacts(dir: string): { user?: string; services?: string[] } {
  const file = join(dir, 'docker-compose.yaml');
  if (!existsSync(file)) return {};
  try {
    const doc = parseYaml(readFileSync(file, 'utf8')) as { services?: Record<string, { user?: unknown }> };
    const user = doc?.services?.client?.user;
    const others = Object.keys(doc?.services ?? {}).filter((name) => name !== 'client');
    return {
      ...(user === undefined || user === null ? {} : { user: String(user).split(':')[0] }),
      ...(others.length ? { services: others } : {}),
    };
  } catch {
    return {};
  }
}

/** Where the agent works and as whom: the image's WORKDIR (else /app, the Terminal-Bench bases' own) and user. */
function agentPlace(dockerfile: string, user: string | undefined): { workdir: string; agentUser?: string } {
  const facts = dockerfileFacts(dockerfile);
  const who = user ?? facts.user;
  return { workdir: facts.workdir ?? '/app', ...(who && who !== 'root' && who !== '0' ? { agentUser: who } : {}) };
}

/** Where Harbor's tests/test.sh writes its verdict: reward.json (numbers by name) wins over reward.txt (one number). */
export const REWARD_FILE = '/logs/verifier/reward.txt';
export const REWARD_JSON = '/logs/verifier/reward.json';
/** Where both harnesses put the hidden tests (Terminal-Bench v1 also puts run-tests.sh there, and sets TEST_DIR). */
export const TESTS_DIR = '/tests';
/** Where Harbor's oracle puts solution/ before running solve.sh. */
export const SOLUTION_DIR = '/solution';
const HIDDEN = ['tests', 'solution.sh', 'run-tests.sh', 'solution'];
/**
 * Left out of a v1 task's build context: HIDDEN, and its solution.yaml (v1's other form of a solution) where it has
 * one, named only then so the content id of every task without one stays as it was.
 */
const v1Hidden = (dir: string) => (existsSync(join(dir, 'solution.yaml')) ? [...HIDDEN, 'solution.yaml'] : HIDDEN);

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
    const dockerfile = readText(join(dir, 'Dockerfile'));
    const compose = composeFacts(dir);
    return TaskSchema.parse({
      id,
      suite,
      kind: 'terminal-bench',
      statement: y.instruction,
      difficulty: y.difficulty,
      tags: withCategory(y.tags, y.category),
      environment: {
        dockerfile,
        contextDir: dir,
        contextExclude: v1Hidden(dir),
        ...agentPlace(dockerfile, compose.user),
        ...(compose.services ? { services: compose.services } : {}),
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
  const dockerfile = readText(join(envDir, 'Dockerfile'));
  const tomlUser = t.agent?.user === undefined ? undefined : String(t.agent.user);
  return TaskSchema.parse({
    id,
    suite,
    kind: 'terminal-bench',
    statement: readText(join(dir, 'instruction.md')),
    difficulty: t.metadata?.difficulty ?? 'medium',
    tags: withCategory(t.metadata?.tags ?? [], t.metadata?.category),
    environment: {
      // A prebuilt image named in task.toml is used as it is; else the Dockerfile is built.
      ...(t.environment?.docker_image ? { image: t.environment.docker_image } : { dockerfile }),
      contextDir: envDir,
      contextExclude: HIDDEN,
      ...agentPlace(dockerfile, tomlUser),
      network: false,
    },
    workspace: { kind: 'image' },
    limits: {
      agentTimeoutSec: t.agent?.timeout_sec ?? 900,
      testTimeoutSec: t.verifier?.timeout_sec ?? HARBOR_VERIFIER_TIMEOUT_SEC,
    },
    grader: {
      kind: 'terminal-bench',
      testsDir: join(dir, 'tests'),
      testScript: readText(join(dir, 'tests', 'test.sh')),
      mode: 'reward',
      logParser: 'pytest',
      ...(literalEnv(t.verifier?.env) ? { env: literalEnv(t.verifier?.env) } : {}),
    },
    ...(existsSync(join(dir, 'solution', 'solve.sh'))
      ? {
          gold: {
            kind: 'script',
            script: readFileSync(join(dir, 'solution', 'solve.sh'), 'utf8'),
            dir: join(dir, 'solution'),
            ...(literalEnv(t.solution?.env) ? { env: literalEnv(t.solution?.env) } : {}),
          },
        }
      : {}),
    upstream: t,
  });
}

/** The task's tags plus its category as one more tag, each once (tasks often repeat the category among the tags). */
function withCategory(tags: string[], category: string | undefined): string[] {
  return [...new Set([...tags, ...(category ? [category] : [])])];
}
