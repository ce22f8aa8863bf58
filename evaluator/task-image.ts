import { graderFor } from '../tasks/graders/index.js';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { SAFE_GIT } from '../tasks/prepare.js';
import { assertNoEscapingLinks } from '../tasks/links.js';
import type { Task } from '../tasks/schema.js';
import type { BaseChoice, BaseChooser } from './images/base-choice.js';
import { findBase, type ImagesConfig, standInRecipe } from './images/stand-ins.js';
import type { ImageRecipe, SandboxSpec } from './sandbox/types.js';

// How a task's environment becomes an image. The base image its Dockerfile starts FROM is used as it is when the
// engine has it or can pull it, else its local stand-in (evolve.json images.bases on top of the shipped defaults,
// see images/stand-ins.ts); the task Dockerfile then builds on that, with its build context taken from the task
// folder minus hidden tests and solutions.

/** The first FROM line: its image, the flags before it and the stage name after it. */
const FROM_LINE = /^\s*FROM\s+((?:--\S+\s+)*)(\S+)(.*)$/im;

export function baseImageOf(task: Task): string | undefined {
  const env = task.environment;
  return env.dockerfile ? FROM_LINE.exec(env.dockerfile)?.[2] : env.image;
}

/** The choice made without asking the engine: the mapped stand-in, or the image as named. */
export function offlineChoice(from: string, images?: Partial<ImagesConfig> & { root?: string }): BaseChoice {
  const mapping = findBase(from, images?.bases);
  return mapping
    ? { from, used: 'stand-in', mapping, recipe: standInRecipe(mapping, images?.root) }
    : { from, used: 'as-named' };
}

function contextFiles(dir: string, exclude: string[]): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      const rel = relative(dir, path);
      if (exclude.some((x) => rel === x || rel.startsWith(`${x}/`))) continue;
      if (statSync(path).isDirectory()) walk(path);
      else files[rel] = readFileSync(path);
    }
  };
  walk(dir);
  return files;
}

let lastSnapshot: { key: string; tar: Uint8Array } | undefined;

/**
 * The repository's files at a commit, as a tar (a SWE-bench recipe's `repo.tar`). Kept for the last one asked: a
 * task's agent and grader sandboxes ask for the same one in turn.
 */
function repoSnapshot(repo: string, commit: string): Uint8Array {
  const key = `${repo}\0${commit}`;
  if (lastSnapshot?.key === key) return lastSnapshot.tar;
  try {
    const tar = execFileSync('git', [...SAFE_GIT, '-C', repo, 'archive', '--format=tar', commit], {
      maxBuffer: 2 ** 31,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    lastSnapshot = { key, tar };
    return tar;
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? (error as Error).message).trim();
    throw Object.assign(new Error(`cannot take ${repo} at ${commit} for the image's repo.tar: ${stderr.slice(-400)}`), {
      kind: 'image_missing',
    });
  }
}

/** The task's image: an existing tag, or a recipe built (once) through the image cache, on the chosen base. */
export function taskImage(task: Task, choice?: BaseChoice): string | ImageRecipe {
  const env = task.environment;
  const from = baseImageOf(task);
  const base = choice ?? (from ? offlineChoice(from) : undefined);
  const parent = base?.used === 'stand-in' ? base.recipe : undefined;
  if (!env.dockerfile) {
    if (!env.image)
      throw Object.assign(new Error(`task ${task.id} names neither an image nor a Dockerfile`), {
        kind: 'image_missing',
      });
    return parent ?? env.image;
  }
  const dockerfile = parent
    ? env.dockerfile.replace(FROM_LINE, (_all, flags: string, _image: string, rest: string) =>
        ['ARG PARENT_IMAGE', `FROM ${flags}$PARENT_IMAGE${rest}`].join('\n'),
      )
    : env.dockerfile;
  const files: Record<string, string | Uint8Array> = {
    // A link out of the folder is refused at suite load; checked again here for tasks that came another way.
    ...(env.contextDir
      ? (assertNoEscapingLinks(env.contextDir, task.id),
        contextFiles(env.contextDir, [...(env.contextExclude ?? []), 'Dockerfile']))
      : {}),
    ...env.files,
    ...(env.repoSnapshot ? { 'repo.tar': repoSnapshot(env.repoSnapshot.repo, env.repoSnapshot.commit) } : {}),
  };
  return { name: `task-${task.id}`, dockerfile, files, ...(parent ? { parent } : {}) };
}

/**
 * Who the agent works as: the task's or suite's setting, else root for Terminal-Bench and Harbor tasks (as their
 * harnesses run it) and the unprivileged `agent` for SWE-bench ones.
 */
export function agentUserOf(task: Task): string {
  return task.environment.agentUser ?? graderFor(task).agentUser;
}

export function taskSandboxSpec(task: Task, labels: Record<string, string>, choice?: BaseChoice): SandboxSpec {
  if (task.environment.services?.length)
    throw Object.assign(
      new Error(
        `task ${task.id} needs the docker-compose services ${task.environment.services.join(', ')} besides its own container; evolve runs one container per task and does not start them`,
      ),
      { kind: 'unsupported_services' },
    );
  return {
    image: taskImage(task, choice),
    workdir: task.environment.workdir,
    network: task.environment.network,
    user: agentUserOf(task),
    ...(task.environment.missingImageHelp
      ? {
          missingImageHelp: `${choice?.pullError ? `Pulling it failed (${choice.pullError}). ` : ''}${task.environment.missingImageHelp}`,
        }
      : {}),
    labels,
  };
}

/** What a run records about its environment: the agent's user and how the base image was had. */
export function environmentRecord(task: Task, choice?: BaseChoice): Record<string, unknown> {
  return {
    agent_user: agentUserOf(task),
    ...(choice
      ? {
          base_image: {
            from: choice.from,
            used: choice.used,
            ...(choice.mapping ? { stand_in: choice.mapping.recipe, pattern: choice.mapping.pattern } : {}),
            ...(choice.pullError ? { pull_error: choice.pullError } : {}),
          },
        }
      : {}),
  };
}

/** The sandbox spec with the base chosen through the engine (pulled when it can be; the stand-in when not). */
export async function chosenSandboxSpec(
  task: Task,
  labels: Record<string, string>,
  chooser: BaseChooser,
): Promise<{ spec: SandboxSpec; choice?: BaseChoice }> {
  const from = baseImageOf(task);
  const choice = from ? await chooser.choose(from) : undefined;
  return { spec: taskSandboxSpec(task, labels, choice), ...(choice ? { choice } : {}) };
}
