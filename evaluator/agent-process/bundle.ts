import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

// The agent's code, made into one file the confined process can read: the child entry (evaluator/agent-process/
// child.ts) plus `<source>/agent/loop.ts` and everything it imports, compiled by esbuild on the host. esbuild only
// parses the agent's code, never runs it. Every input must come from the agent's own folder, the child entry or an
// installed package: a variant that imports a task file, the database or a hidden test is refused here, by name.
// The agent's data files (prompts, skills) are copied next to the bundle and `import.meta.url` is rewritten to
// point at the copies, so the process reads nothing but this folder.

/** The generated entry (stdin to esbuild): it imports the loop, the ModelError class and the child's serve loop. */
const ENTRY_NAME = '<evolve agent entry>';
const CHILD_ENTRY = fileURLToPath(new URL('./child.ts', import.meta.url));

export interface AgentBundle {
  /** Folder holding bundle.mjs and the agent's data files: the only path the confined process may read. */
  dir: string;
  file: string;
  /** Bundling time, for the overhead figures. */
  ms: number;
}

export class AgentSourceError extends Error {
  override readonly name = 'AgentSourceError';
  readonly kind = 'agent_source';
}

const within = (path: string, root: string) => path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);

/**
 * Bundles the agent found in `source` (a folder holding agent/loop.ts: evolve's own or a variant's worktree) into
 * a folder named by the content's hash, under a folder of this user's in the temporary directory: the same agent
 * is bundled into the same folder again (nothing piles up across evaluations), and a folder already there is used.
 */
export async function bundleAgent(source: string): Promise<AgentBundle> {
  const t0 = Date.now();
  const root = realpathSync(source);
  const agentDir = join(root, 'agent');
  // Data files only (prompts, skills): the code is in the bundle, the tests are not needed.
  const data = dataFiles(agentDir);
  const allowed = [agentDir, ...packageRoots(root)];
  const typesOnly = join(root, 'evaluator', 'sandbox', 'types.ts');
  const urlRewrite: Plugin = {
    name: 'agent-import-meta',
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, async (args) => {
        let text = await readFile(args.path, 'utf8');
        if (within(args.path, agentDir)) {
          // The module's own URL, relative to the bundle: where the copy of its folder's data files lies.
          const rel = relative(root, args.path).split(sep).join('/');
          const url = `new URL(${JSON.stringify(`./${rel}`)}, import.meta.url)`;
          text = text
            .replaceAll('import.meta.url', `${url}.href`)
            .replaceAll('import.meta.dirname', `decodeURIComponent(new URL('.', ${url}).pathname).replace(/\\/$/, '')`)
            .replaceAll('import.meta.filename', `decodeURIComponent(${url}.pathname)`);
        }
        return { contents: text, loader: 'ts' };
      });
    },
  };
  const entry = [
    `import { runAgent } from ${JSON.stringify(join(agentDir, 'loop.ts'))};`,
    `import { ModelError } from ${JSON.stringify(join(agentDir, 'models', 'types.ts'))};`,
    `import { serveAgent } from ${JSON.stringify(CHILD_ENTRY)};`,
    'serveAgent(runAgent, ModelError);',
  ].join('\n');
  let result: Awaited<ReturnType<typeof build>>;
  try {
    result = await build({
      stdin: { contents: entry, resolveDir: root, sourcefile: ENTRY_NAME, loader: 'ts' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile: join(root, 'bundle.mjs'),
      metafile: true,
      write: false,
      logLevel: 'silent',
      absWorkingDir: '/',
      // A CommonJS package bundled into ESM may call require(); give it one.
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
      plugins: [urlRewrite],
    });
  } catch (error) {
    throw new AgentSourceError(`the agent in ${source} does not build: ${(error as Error).message}`);
  }
  const outside = Object.keys(result.metafile!.inputs)
    .map((p) => (isAbsolute(p) ? p : resolve('/', p)))
    .filter((p) => p !== join(root, ENTRY_NAME))
    .filter((p) => p !== typesOnly && p !== CHILD_ENTRY && !allowed.some((r) => within(p, r)));
  if (outside.length)
    throw new AgentSourceError(
      `the agent in ${source} imports files outside its own folder (agent/) and the installed packages: ${outside.join(', ')}`,
    );
  const code = result.outputFiles![0]!.contents;
  const hash = createHash('sha256').update(code);
  for (const [rel, bytes] of data) hash.update(`\0${rel}\0`).update(bytes);
  const dir = join(bundlesHome(), hash.digest('hex').slice(0, 24));
  if (!existsSync(join(dir, 'bundle.mjs'))) {
    // Made aside, then renamed into place: a folder under its final name is always complete.
    const tmp = mkdtempSync(`${dir}.tmp-`);
    for (const [rel, bytes] of data) {
      mkdirSync(dirname(join(tmp, rel)), { recursive: true, mode: 0o755 });
      writeFileSync(join(tmp, rel), bytes, { mode: 0o644 });
    }
    writeFileSync(join(tmp, 'bundle.mjs'), code, { mode: 0o644 });
    // The confined process runs as another user: it must be able to read (never write) this folder.
    chmodSync(tmp, 0o755);
    try {
      renameSync(tmp, dir);
    } catch {
      rmSync(tmp, { recursive: true, force: true }); // made meanwhile by another evaluation
    }
  }
  return { dir, file: join(dir, 'bundle.mjs'), ms: Date.now() - t0 };
}

/** <tmp>/evolve-agents-<uid>: made by this user, readable by all, writable by none other; refused if it is not. */
function bundlesHome(): string {
  const home = join(tmpdir(), `evolve-agents-${process.getuid?.() ?? 'u'}`);
  mkdirSync(home, { recursive: true, mode: 0o755 });
  const st = lstatSync(home);
  if (!st.isDirectory() || (process.getuid && st.uid !== process.getuid()) || (st.mode & 0o022) !== 0)
    throw new AgentSourceError(`${home} is not a folder of this user's that only it can write: remove it`);
  return home;
}

/** The agent folder's data files (everything but code and packages), by path relative to the agent's source. */
function dataFiles(agentDir: string): Array<[string, Buffer]> {
  const files: Array<[string, Buffer]> = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, e.name);
      if (e.isDirectory() && e.name !== 'node_modules') walk(path);
      else if (e.isFile() && !/\.(ts|tsx)$/.test(e.name))
        files.push([join('agent', relative(agentDir, path)), readFileSync(path)]);
    }
  };
  walk(agentDir);
  return files;
}

/** Where the agent's packages really live (node_modules is a link into the evolve installation in a worktree). */
function packageRoots(root: string): string[] {
  const roots: string[] = [];
  try {
    roots.push(realpathSync(join(root, 'node_modules')));
  } catch {}
  return roots;
}
