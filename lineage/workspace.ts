import { redactSecrets } from '../evaluator/gateway/redact.js';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { Config } from './config.js';
import { isPostgresUrl } from './db/dialect.js';
import { databaseTarget } from './db/target.js';
import { type Db, openDatabase } from './db/open.js';

export { databaseTarget };

export const CONFIG_FILE = 'evolve.json';
export const DATABASE_FILE = 'evolve.db';

export class WorkspaceError extends Error {
  override readonly name = 'WorkspaceError';
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

export interface WorkspacePaths {
  root: string;
  config: string;
  database: string;
  experiments: string;
  runs: string;
}

export function workspacePaths(root: string): WorkspacePaths {
  const abs = resolve(root);
  return {
    root: abs,
    config: join(abs, CONFIG_FILE),
    database: join(abs, DATABASE_FILE),
    experiments: join(abs, 'experiments'),
    runs: join(abs, 'runs'),
  };
}

export interface Workspace {
  paths: WorkspacePaths;
  config: Config;
  db: Db;
  close(): Promise<void>;
}

/** The workspace named by `--workspace`, or the nearest folder upwards from `from` holding evolve.json. */
export function findWorkspaceRoot(from: string, explicit?: string): string {
  if (explicit) {
    const root = resolve(explicit);
    if (!existsSync(join(root, CONFIG_FILE))) {
      throw new WorkspaceError(
        `--workspace ${explicit}: no ${CONFIG_FILE} in ${root}`,
        `Run \`evolve init ${explicit}\` to create it.`,
      );
    }
    return root;
  }
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, CONFIG_FILE))) return dir;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new WorkspaceError(
    `no evolve workspace in ${resolve(from)} or any folder above it`,
    'Run `evolve init` here, or pass --workspace DIR.',
  );
}

export function loadConfig(file: string): Config {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new WorkspaceError(
      `${file} is not readable JSON: ${(error as Error).message}`,
      'Fix the file by hand, or delete it and run `evolve init` again.',
    );
  }
  const parsed = Config.safeParse(raw);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(top level)'}: ${i.message}`).join('\n');
    throw new WorkspaceError(
      `${file} has invalid fields:\n${fields}`,
      'Correct those fields; see the README section "Configuration".',
    );
  }
  return parsed.data;
}

export async function openWorkspace(root: string): Promise<Workspace> {
  const paths = workspacePaths(root);
  const config = loadConfig(paths.config);
  const db = await openDatabase(databaseTarget(paths, config));
  return { paths, config, db, close: () => db.destroy() };
}

/**
 * Writes a file atomically (temp file + rename) so a crash never leaves it half written; redacted (keys by value
 * and by pattern), as everything evolve writes into a workspace is.
 */
export function writeFileAtomic(file: string, content: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, redactSecrets(content));
  renameSync(tmp, file);
}

export const InitResult = z.object({ root: z.string(), created: z.array(z.string()) });
export type InitResult = z.infer<typeof InitResult>;

/**
 * Creates a workspace; running it again on an existing one only fills in what is missing.
 * The config is validated before anything is written, and the database migrated, so a failure leaves nothing half made.
 */
export async function initWorkspace(root: string, seed?: (ws: Workspace) => Promise<string[]>): Promise<InitResult> {
  const paths = workspacePaths(root);
  const created: string[] = [];
  const target = databaseTarget(paths, existsSync(paths.config) ? loadConfig(paths.config) : Config.parse({}));
  mkdirSync(paths.root, { recursive: true });
  const dbExisted = isPostgresUrl(target) || existsSync(target);
  const db = await openDatabase(target, { create: true });
  if (!dbExisted) created.push(target);
  try {
    for (const dir of [paths.experiments, paths.runs]) {
      if (!existsSync(dir)) {
        mkdirSync(dir, { recursive: true });
        created.push(dir);
      }
    }
    if (!existsSync(paths.config)) {
      writeFileAtomic(paths.config, `${JSON.stringify({ version: 1 }, null, 2)}\n`);
      created.push(paths.config);
    }
    if (seed) created.push(...(await seed({ paths, config: loadConfig(paths.config), db, close: () => db.destroy() })));
  } finally {
    await db.destroy();
  }
  return { root: paths.root, created };
}
