import type { Command } from 'commander';
import {
  BASE_IMAGE,
  ensureBaseImage,
  ensureImageDetailed,
  listImages,
  NAMED_RECIPES,
  pruneImages,
} from '../../evaluator/images/index.js';
import { formatTable, printJson, UsageError } from '../output.js';

const progress = (line: string) => process.stderr.write(`  … ${line}\n`);

export function registerImages(program: Command): void {
  const images = program
    .command('images')
    .description('list, build and prune the sandbox images (content-hash tagged, built once)');

  images
    .command('list')
    .description('images evolve built or uses (evolve/*)')
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }) => {
      const rows = await listImages();
      if (opts.json) return printJson(rows);
      if (rows.length === 0)
        return void process.stdout.write(
          'No evolve images yet. `evolve images build` builds the base and environments.\n',
        );
      process.stdout.write(
        `${formatTable(
          ['TAG', 'ID', 'RECIPE', 'SIZE', 'CREATED'],
          rows.map((r) => [r.tag, r.id, r.recipe, `${r.sizeMb} MB`, r.created.slice(0, 19).replace('T', ' ')]),
        )}\n`,
      );
    });

  images
    .command('build [names...]')
    .description(
      `build the base image and named environments (default: all of: base, ${Object.keys(NAMED_RECIPES).join(', ')})`,
    )
    .option('--no-pull', 'do not try a registry for the base image; bootstrap Debian with debootstrap')
    .option('--json', 'print the result as JSON')
    .action(async (names: string[], opts: { pull?: boolean; json?: boolean }) => {
      const wanted = names.length ? names : ['base', ...Object.keys(NAMED_RECIPES)];
      const unknown = wanted.filter((n) => n !== 'base' && !NAMED_RECIPES[n]);
      if (unknown.length)
        throw new UsageError(
          `unknown image recipe: ${unknown.join(', ')}`,
          `Known: base, ${Object.keys(NAMED_RECIPES).join(', ')}.`,
        );
      const results: Array<{ name: string; tag: string; built: boolean; seconds: number }> = [];
      const onProgress = opts.json ? undefined : progress;
      for (const name of wanted) {
        const started = Date.now();
        const recipe = NAMED_RECIPES[name];
        const r = recipe
          ? await ensureImageDetailed(recipe(), { onProgress })
          : { tag: await ensureBaseImage({ onProgress, noPull: opts.pull === false }), built: false };
        results.push({ name, ...r, seconds: (Date.now() - started) / 1000 });
        if (!opts.json)
          process.stdout.write(
            `${name.padEnd(12)} ${r.tag}  ${r.built ? 'built' : 'ready'} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
          );
      }
      if (opts.json) printJson(results);
    });

  images
    .command('prune')
    .description(`remove recipe images no container uses (keeps ${BASE_IMAGE})`)
    .option('--label <key=value>', 'only images carrying this label')
    .option('--json', 'print the removed tags as JSON')
    .action(async (opts: { label?: string; json?: boolean }) => {
      const removed = await pruneImages(opts.label ? { label: opts.label } : {});
      if (opts.json) return printJson({ removed });
      process.stdout.write(
        removed.length
          ? `Removed ${removed.length} image${removed.length === 1 ? '' : 's'}:\n${removed.map((t) => `  ${t}`).join('\n')}\n`
          : 'Nothing to prune.\n',
      );
    });

  // The program's error handling (exit codes, messages) applies to nested commands only when they opt in too.
  for (const sub of images.commands) sub.exitOverride();
}
