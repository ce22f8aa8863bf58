import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './testing/run-cli.js';

// Drives `evolve` in-process through main(argv), as the binary does; cli/bin.test.ts checks the binary itself.
const evolve = runCli;
const tmp = () => mkdtempSync(join(tmpdir(), 'evolve-cli-'));

describe('evolve CLI', () => {
  it('--help lists every command with a description, and each command has --help', async () => {
    const help = await evolve(['--help'], tmp());
    expect(help.code).toBe(0);
    for (const cmd of ['init', 'status', 'doctor']) expect(help.out).toMatch(new RegExp(`\\n  ${cmd}\\b.*\\S`));
    const initHelp = await evolve(['init', '--help'], tmp());
    expect(initHelp.code).toBe(0);
    expect(initHelp.out).toMatch(/Usage: evolve init/);
  });

  it('init then status works, and status --json is machine-readable', async () => {
    const dir = tmp();
    expect((await evolve(['init', 'lab'], dir)).code).toBe(0);
    const status = await evolve(['status', '--json'], join(dir, 'lab'));
    expect(status.code).toBe(0);
    const parsed = JSON.parse(status.out) as { workspace: string; runs: Record<string, number> };
    expect(parsed.workspace).toBe(join(dir, 'lab'));
    expect(parsed.runs.pending).toBe(0);
    const text = await evolve(['--workspace', join(dir, 'lab'), 'status'], '/');
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/champion +exp-01 \(not yet scored, since /);
  });

  it('a second init is harmless: it changes nothing and says so, and the lineage keeps one root', async () => {
    const dir = tmp();
    expect((await evolve(['init', 'lab'], dir)).code).toBe(0);
    const config = readFileSync(join(dir, 'lab', 'evolve.json'), 'utf8');
    const again = await evolve(['init', 'lab'], dir);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/already set up; nothing changed/);
    expect(readFileSync(join(dir, 'lab', 'evolve.json'), 'utf8')).toBe(config);
    const status = JSON.parse((await evolve(['status', '--json'], join(dir, 'lab'))).out) as {
      experiments: Record<string, number>;
      champion: { id: string };
    };
    expect(Object.values(status.experiments).reduce((a, b) => a + b, 0)).toBe(1);
    expect(status.champion.id).toBe('exp-01');
  });

  it('an unknown command or flag exits 2 naming it', async () => {
    const cmd = await evolve(['frobnicate'], tmp());
    expect(cmd.code).toBe(2);
    expect(cmd.err).toMatch(/unknown command 'frobnicate'/);
    const flag = await evolve(['status', '--colour'], tmp());
    expect(flag.code).toBe(2);
    expect(flag.err).toMatch(/unknown option '--colour'/);
  });

  it('outside a workspace, says how to make one', async () => {
    const r = await evolve(['status'], tmp());
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/no evolve workspace/);
    expect(r.err).toMatch(/evolve init/);
  });

  it('a bad config names the file and field, exits non-zero and leaves the folder as it was', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'evolve.json'), JSON.stringify({ defaults: { repeats: 'three' } }));
    const r = await evolve(['init'], dir);
    expect(r.code).toBe(1);
    expect(r.err).toContain(join(dir, 'evolve.json'));
    expect(r.err).toMatch(/defaults\.repeats/);
    expect(readdirSync(dir)).toEqual(['evolve.json']);
  });

  it('a corrupt database is reported with the fix', async () => {
    const dir = tmp();
    expect((await evolve(['init'], dir)).code).toBe(0);
    writeFileSync(join(dir, 'evolve.db'), 'garbage'.repeat(1000));
    const r = await evolve(['status'], dir);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/cannot be opened/);
    expect(r.err).not.toMatch(/at .*\.ts:\d+/); // a user error, not a stack trace
  });
});

describe('evolve policies', () => {
  it('lists every slot, each registered policy, and its params with types and defaults', async () => {
    const r = await runCli(['policies'], tmp());
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^planning\n {2}none: /);
    expect(r.out).toMatch(/\n {2}window: .*\n {6}turns \(integer\) default 8\n/);
    for (const slot of ['tools', 'memory', 'prompt']) expect(r.out).toMatch(new RegExp(`\\n${slot}\\n`));
    const json = JSON.parse((await runCli(['policies', '--json'], tmp())).out) as Array<{
      slot: string;
      policies: Array<{ name: string; params: Array<{ name: string }> }>;
    }>;
    expect(json.map((s) => s.slot)).toEqual(['planning', 'tools', 'memory', 'prompt']);
    expect(json[2]!.policies.find((p) => p.name === 'window')!.params.map((p) => p.name)).toEqual(['turns']);
  });
});
