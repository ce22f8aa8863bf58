import { posix } from 'node:path';
import { z } from 'zod';
import { defineTool, type Tool, type ToolContext, type ToolResult } from '../../tools/define.js';
import { resolveInWorkdir, runCommand, shellPath, shellQuote, type CommandLimits } from '../../tools/shell.js';
import { truncateMiddle } from '../../tools/truncate.js';

// The editor tools (after SWE-agent's str_replace_editor, split into one tool per command so each has a
// small schema). Paths are relative to the workdir unless absolute.

async function pathKind(ctx: ToolContext, path: string, limits: CommandLimits): Promise<'file' | 'dir' | 'missing'> {
  const p = shellPath(ctx, path);
  const probe = await runCommand(
    ctx,
    `if [ -d ${p} ]; then echo dir; elif [ -f ${p} ]; then echo file; else echo missing; fi`,
    limits,
    30,
  );
  const kind = probe.output.trim();
  return kind === 'dir' || kind === 'file' ? kind : 'missing';
}

function failure(output: string): ToolResult {
  return { output, isError: true };
}

/**
 * A file's text, or what the path is instead: a file is read at once (one sandbox call, the common case); only a read
 * that fails is followed by a probe of what is there (a command), which names a missing path or a directory.
 */
async function readOrKind(
  ctx: ToolContext,
  path: string,
  limits: CommandLimits,
): Promise<{ text: string } | { kind: 'dir' | 'missing' }> {
  try {
    return { text: await ctx.sandbox.readFile(path) };
  } catch (error) {
    const kind = await pathKind(ctx, path, limits);
    if (kind === 'file') throw error;
    return { kind };
  }
}

async function readExisting(ctx: ToolContext, path: string, limits: CommandLimits): Promise<string | ToolResult> {
  const read = await readOrKind(ctx, path, limits);
  if ('text' in read) return read.text;
  if (read.kind === 'missing') return failure(`Error: ${path} does not exist. Use \`create\` to make a new file.`);
  return failure(`Error: ${path} is a directory.`);
}

function numbered(lines: string[], firstLine: number): string {
  return lines.map((line, i) => `${String(firstLine + i).padStart(6)}\t${line}`).join('\n');
}

export function fileTools(limits: CommandLimits): Tool[] {
  const view = defineTool('view', {
    description: 'Show a file with line numbers (optionally a line range), or list a directory two levels deep.',
    parameters: z.object({
      path: z.string().min(1).describe('File or directory path.'),
      start_line: z.number().int().positive().optional().describe('First line to show (1-based).'),
      end_line: z.number().int().optional().describe('Last line to show; -1 for the end of the file.'),
    }),
    async execute(args, ctx) {
      const path = resolveInWorkdir(ctx, args.path);
      const read = await readOrKind(ctx, path, limits);
      if ('kind' in read && read.kind === 'missing') return failure(`Error: ${path} does not exist.`);
      if ('kind' in read) {
        const listing = await runCommand(
          ctx,
          `find ${shellPath(ctx, path)} -maxdepth 2 -not -path '*/.git' -not -path '*/.git/*' -not -path '*/__pycache__*' | sort`,
          limits,
        );
        const cut = truncateMiddle(listing.output, limits.maxOutputChars);
        return { output: cut.text, truncated: cut.truncated };
      }
      const { text } = read;
      const lines = (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
      const start = args.start_line ?? 1;
      const end =
        args.end_line === undefined || args.end_line === -1 ? lines.length : Math.min(args.end_line, lines.length);
      if (start > lines.length)
        return failure(`Error: start_line ${start} is past the end of the file (${lines.length} lines).`);
      if (end < start) return failure(`Error: end_line ${end} is before start_line ${start}.`);
      const cut = truncateMiddle(numbered(lines.slice(start - 1, end), start), limits.maxOutputChars);
      return { output: cut.text, truncated: cut.truncated };
    },
  });

  const create = defineTool('create', {
    description: 'Create a file with the given content, or overwrite it entirely. Parent directories are created.',
    parameters: z.object({ path: z.string().min(1), content: z.string() }),
    async execute(args, ctx) {
      const path = resolveInWorkdir(ctx, args.path);
      if ((await pathKind(ctx, path, limits)) === 'dir') return failure(`Error: ${path} is a directory.`);
      await runCommand(ctx, `mkdir -p ${shellQuote(posix.dirname(path))}`, limits, 30);
      await ctx.sandbox.writeFile(path, args.content);
      return { output: `Wrote ${path} (${args.content.split('\n').length} lines).` };
    },
  });

  const strReplace = defineTool('str_replace', {
    description:
      'Replace the one occurrence of old_str in a file with new_str. old_str must match exactly (whitespace included) and be unique; add surrounding lines to make it unique.',
    parameters: z.object({ path: z.string().min(1), old_str: z.string().min(1), new_str: z.string() }),
    async execute(args, ctx) {
      const path = resolveInWorkdir(ctx, args.path);
      const content = await readExisting(ctx, path, limits);
      if (typeof content !== 'string') return content;
      const count = content.split(args.old_str).length - 1;
      if (count === 0)
        return failure(`Error: old_str was not found in ${path}. View the file and copy the text exactly.`);
      if (count > 1)
        return failure(
          `Error: old_str occurs ${count} times in ${path}; include more surrounding lines so it is unique.`,
        );
      const at = content.indexOf(args.old_str);
      await ctx.sandbox.writeFile(path, content.slice(0, at) + args.new_str + content.slice(at + args.old_str.length));
      const firstLine = content.slice(0, at).split('\n').length;
      const snippet = numbered(args.new_str.split('\n'), firstLine);
      return {
        output: `Edited ${path}. The new text now reads:\n${truncateMiddle(snippet, limits.maxOutputChars).text}`,
        display: `--- ${path}\n-${args.old_str}\n+${args.new_str}`,
      };
    },
  });

  const insert = defineTool('insert', {
    description: 'Insert text after line insert_line of a file (0 inserts at the top).',
    parameters: z.object({ path: z.string().min(1), insert_line: z.number().int().min(0), text: z.string() }),
    async execute(args, ctx) {
      const path = resolveInWorkdir(ctx, args.path);
      const content = await readExisting(ctx, path, limits);
      if (typeof content !== 'string') return content;
      const lines = content.split('\n');
      if (args.insert_line > lines.length)
        return failure(`Error: insert_line ${args.insert_line} is past the end of the file (${lines.length} lines).`);
      const added = args.text.replace(/\n$/, '').split('\n');
      lines.splice(args.insert_line, 0, ...added);
      await ctx.sandbox.writeFile(path, lines.join('\n'));
      return { output: `Inserted ${added.length} line(s) after line ${args.insert_line} of ${path}.` };
    },
  });

  return [view, create, strReplace, insert];
}
