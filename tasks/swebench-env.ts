import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { parserNames } from './parsers/index.js';

// evolve.json `swebench`: where SWE-bench instances get an environment and a repository when the upstream instance
// image is not what you want (or cannot be pulled). Keys of `environments` are "repo@version" or "repo".

const ParserName = z.string().refine((name) => parserNames().includes(name), {
  error: (iss) => `unknown log parser ${JSON.stringify(iss.input)} (known: ${parserNames().join(', ')})`,
});

export const SweEnvironmentConfig = z
  .strictObject({
    /** An image tag to run the instances in (it holds the repository at /testbed, or `repos` gives it). */
    image: z.string().min(1).optional(),
    /** A Dockerfile (path relative to evolve.json, or the text itself) built per instance; see SweSources. */
    dockerfile: z.string().min(1).optional(),
    /** The whole test command, instead of the registry's (tasks/swebench-specs.ts). */
    testCommand: z.string().min(1).optional(),
    logParser: ParserName.optional(),
  })
  .refine((e) => !(e.image && e.dockerfile), { error: 'give an image or a dockerfile, not both' });

export const SweConfig = z
  .strictObject({
    /** Upstream repo name ("django/django") -> a local clone (path relative to evolve.json) or a clone URL. */
    repos: z.record(z.string().min(1), z.string().min(1)).default({}),
    environments: z.record(z.string().min(1), SweEnvironmentConfig).default({}),
  })
  .prefault({});
export type SweConfig = z.infer<typeof SweConfig>;

/** `swebench` resolved against the workspace: repository paths absolute, Dockerfiles read. */
export interface SweSources {
  repos?: Record<string, string>;
  /**
   * An image tag, or a Dockerfile built per instance whose build context holds `repo.tar`, the repository's files at
   * the instance's base_commit (when `repos` names the repository): `ADD repo.tar /testbed/` unpacks it.
   */
  environments?: Record<string, { image?: string; dockerfile?: string; testCommand?: string; logParser?: string }>;
}

const isUrl = (s: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(s) || /^[^/]+@[^/]+:/.test(s);

export function sweSources(config: SweConfig, root: string): SweSources {
  const repos = Object.fromEntries(
    Object.entries(config.repos).map(([name, where]) => [name, isUrl(where) ? where : resolve(root, where)]),
  );
  const environments = Object.fromEntries(
    Object.entries(config.environments).map(([key, env]) => {
      if (!env.dockerfile || env.dockerfile.includes('\n')) return [key, env];
      const path = isAbsolute(env.dockerfile) ? env.dockerfile : resolve(root, env.dockerfile);
      if (!existsSync(path))
        throw Object.assign(
          new Error(`evolve.json swebench.environments["${key}"].dockerfile: ${path} does not exist`),
          { hint: 'Give the path of a Dockerfile relative to evolve.json, or the Dockerfile text itself.' },
        );
      return [key, { ...env, dockerfile: readFileSync(path, 'utf8') }];
    }),
  );
  return { repos, environments };
}

/** What to do when an instance's upstream image is neither here nor pullable: the two ways to give one. */
export function missingImageHelp(row: { instance_id: string; repo: string; version?: string | undefined }): string {
  const key = row.version ? `${row.repo}@${row.version}` : row.repo;
  return (
    `It is SWE-bench's image for ${row.instance_id}. Give the row an "image" (a tag Docker has or can pull), or ` +
    `a recipe in evolve.json: "swebench": {"repos": {"${row.repo}": "<path of a clone>"}, "environments": ` +
    `{"${key}": {"dockerfile": "<Dockerfile path>"}}}, built with the repository at base_commit as repo.tar in ` +
    'its context (see the README, "SWE-bench Lite / Verified").'
  );
}
