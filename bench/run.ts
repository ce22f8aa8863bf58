// Runs the benchmarks one after another (they compete for the same 2 cores otherwise) and reports each one's
// verdict. Usage: npx tsx bench/run.ts [name ...]   (names: the files in bench/, without .ts)
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const dir = import.meta.dirname;
const all = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
  .map((f) => f.slice(0, -3))
  .sort();
const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !all.includes(w));
if (unknown.length) {
  console.error(`unknown benchmark: ${unknown.join(', ')} (have: ${all.join(', ')})`);
  process.exit(2);
}
const results: Array<{ name: string; ok: boolean; seconds: number }> = [];
for (const name of wanted.length ? wanted : all) {
  const file = join(dir, `${name}.ts`);
  if (!existsSync(file)) continue;
  console.log(`\n=== bench/${name} ===`);
  const started = Date.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', file], { stdio: 'inherit' });
  results.push({ name, ok: r.status === 0, seconds: (Date.now() - started) / 1000 });
}
console.log('\n=== summary ===');
for (const r of results) console.log(`${r.ok ? 'met   ' : 'MISSED'}  bench/${r.name}  (${r.seconds.toFixed(0)} s)`);
process.exitCode = results.every((r) => r.ok) ? 0 : 1;
