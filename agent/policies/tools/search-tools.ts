import { z } from 'zod';
import { defineTool, type Tool } from '../../tools/define.js';
import { resolveInWorkdir, runCommand, shellPath, shellQuote, type CommandLimits } from '../../tools/shell.js';
import { truncateMiddle } from '../../tools/truncate.js';

// find and grep with bounded output: at most `maxMatches` lines, then a count of what was left out.

const EXCLUDED = `-not -path '*/.git/*' -not -path '*/node_modules/*' -not -path '*/__pycache__/*'`;

export function searchTools(limits: CommandLimits, maxMatches: number): Tool[] {
  async function bounded(command: string, ctx: Parameters<Tool['run']>[1]) {
    const result = await runCommand(ctx, command, limits);
    const lines = result.output.split('\n').filter((l) => l.length > 0);
    const shown = lines.slice(0, maxMatches);
    const more = lines.length - shown.length;
    const body = shown.join('\n') + (more > 0 ? `\n[... ${more} more matches; narrow the pattern or path ...]` : '');
    const cut = truncateMiddle(body, limits.maxOutputChars);
    return { lines, text: cut.text, truncated: cut.truncated || more > 0, timedOut: result.timedOut };
  }

  const find = defineTool('find', {
    description: `Find files whose name matches a glob (e.g. "*.py", "test_*"). Shows at most ${maxMatches} paths.`,
    parameters: z.object({
      pattern: z.string().min(1),
      path: z.string().optional().describe('Directory to search; default the workdir.'),
    }),
    async execute(args, ctx) {
      const dir = resolveInWorkdir(ctx, args.path ?? '.');
      const found = await bounded(
        `find ${shellPath(ctx, dir)} ${EXCLUDED} -name ${shellQuote(args.pattern)} 2>&1 | sort`,
        ctx,
      );
      return {
        output: found.lines.length === 0 ? `No files matching ${args.pattern} under ${dir}.` : found.text,
        truncated: found.truncated,
        timedOut: found.timedOut,
      };
    },
  });

  const grep = defineTool('grep', {
    description: `Search file contents for a regular expression (grep -E). Shows at most ${maxMatches} matching lines as path:line:text.`,
    parameters: z.object({
      pattern: z.string().min(1),
      path: z.string().optional().describe('File or directory to search; default the workdir.'),
      include: z.string().optional().describe('Only files whose name matches this glob, e.g. "*.py".'),
    }),
    async execute(args, ctx) {
      const target = resolveInWorkdir(ctx, args.path ?? '.');
      const include = args.include ? ` --include=${shellQuote(args.include)}` : '';
      const command = `grep -rnIE --exclude-dir=.git --exclude-dir=node_modules --exclude-dir=__pycache__${include} -e ${shellQuote(args.pattern)} ${shellPath(ctx, target)}`;
      const found = await bounded(command, ctx);
      return {
        output: found.lines.length === 0 ? `No matches for ${args.pattern}.` : found.text,
        truncated: found.truncated,
        timedOut: found.timedOut,
      };
    },
  });

  return [find, grep];
}
