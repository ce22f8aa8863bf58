import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { z } from 'zod';
import type { ToolDefinition } from '../../agent/models/types.js';
import type { Workspace } from '../workspace.js';
import { buildRawMaterial } from './raw-material.js';
import { championId } from '../db/repos/decisions.js';

// Read-only tools over a raw-material folder (lineage/authoring/raw-material.ts) for a model proposer, which has
// no sandbox: list, read and grep, confined to the folder. Bad arguments come back as text the model can act on.

export interface RawTools {
  definitions: ToolDefinition[];
  run(name: string, input: unknown): string;
}

const List = z.strictObject({ path: z.string().default('.') });
const Read = z.strictObject({ path: z.string().min(1), offset: z.number().int().nonnegative().default(0) });
const Grep = z.strictObject({ pattern: z.string().min(1), path: z.string().default('.') });
const READ_CHARS = 8000;
const MAX_HITS = 100;

function files(dir: string, root: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files(path, root, out);
    else out.push(relative(root, path));
  }
  return out;
}

export function rawMaterialTools(dir: string): RawTools {
  const root = resolve(dir);
  const inside = (p: string) => {
    const full = resolve(root, p);
    if (full !== root && !full.startsWith(root + sep)) throw new Error(`${p}: outside the raw-material folder`);
    return full;
  };
  const schema = (s: z.ZodType) => z.toJSONSchema(s, { io: 'input' }) as Record<string, unknown>;
  const definitions: ToolDefinition[] = [
    { name: 'raw_list', description: 'List the files under a folder of the raw material.', inputSchema: schema(List) },
    {
      name: 'raw_read',
      description: `Read a raw-material file, ${READ_CHARS} characters from an offset.`,
      inputSchema: schema(Read),
    },
    {
      name: 'raw_grep',
      description: `Lines matching a regular expression (case-insensitive) in the raw material, as file:line: text (at most ${MAX_HITS}).`,
      inputSchema: schema(Grep),
    },
  ];
  const tools: Record<string, (input: unknown) => string> = {
    raw_list: (input) => {
      const a = List.parse(input ?? {});
      const list = files(inside(a.path), root);
      return list.length > 500 ? `${list.slice(0, 500).join('\n')}\n(${list.length - 500} more)` : list.join('\n');
    },
    raw_read: (input) => {
      const a = Read.parse(input);
      const text = readFileSync(inside(a.path), 'utf8');
      const part = text.slice(a.offset, a.offset + READ_CHARS);
      return a.offset + READ_CHARS < text.length
        ? `${part}\n(… ${text.length - a.offset - READ_CHARS} more characters: read again from offset ${a.offset + READ_CHARS})`
        : part;
    },
    raw_grep: (input) => {
      const a = Grep.parse(input);
      const re = new RegExp(a.pattern, 'i');
      const start = inside(a.path);
      const hits: string[] = [];
      for (const f of statSync(start).isDirectory() ? files(start, root) : [relative(root, start)]) {
        readFileSync(join(root, f), 'utf8')
          .split('\n')
          .forEach((line, i) => {
            if (hits.length < MAX_HITS && re.test(line)) hits.push(`${f}:${i + 1}: ${line.slice(0, 300)}`);
          });
        if (hits.length >= MAX_HITS) break;
      }
      return hits.join('\n') || 'no match';
    },
  };
  return {
    definitions,
    run: (name, input) => {
      const tool = tools[name];
      if (!tool) return `unknown tool ${name} (known: ${Object.keys(tools).join(', ')})`;
      try {
        return tool(input);
      } catch (error) {
        if (error instanceof z.ZodError)
          return `bad arguments: ${error.issues.map((i) => `${i.path.join('.') || '(arguments)'}: ${i.message}`).join('; ')}`;
        return `error: ${(error as Error).message}`;
      }
    },
  };
}

/** What a proposer's prompt says about the tools. */
export const RAW_TOOLS_HINT =
  'Before you answer you may read the raw material with raw_list, raw_read and raw_grep: full trajectories of failed and passed train runs (every model call and tool call with its output), the task statements, the diffs the agent left, grading reports (hidden test names and expected values masked) and earlier children with their verdicts. Start with raw_read {"path":"README.md"}.';

/** The raw material of `parentId` (and the champion) for a model proposer, built for its generation, with its tools. */
export async function proposerRawMaterial(
  ws: Workspace,
  parentId: string,
  generation?: number,
): Promise<RawTools & { dir: string }> {
  const champion = await championId(ws.db);
  const dir = join(
    ws.paths.root,
    'authoring',
    generation !== undefined ? `generation-${generation}` : 'latest',
    'proposer-raw-material',
  );
  await buildRawMaterial(ws.db, dir, {
    experiments: [...new Set([parentId, ...(champion ? [champion] : [])])],
    experimentsDir: ws.paths.experiments,
  });
  return { ...rawMaterialTools(dir), dir };
}
