import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findWorkspaceRoot, initWorkspace, loadConfig, openWorkspace, WorkspaceError } from './workspace.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'evolve-ws-'));

describe('workspace', () => {
  it('init creates config, database and folders, and a second init changes nothing', async () => {
    const root = join(tmp(), 'lab');
    const first = await initWorkspace(root);
    expect(first.created.map((p) => p.slice(root.length + 1)).sort()).toEqual([
      'evolve.db',
      'evolve.json',
      'experiments',
      'runs',
    ]);
    const config = readFileSync(join(root, 'evolve.json'), 'utf8');
    const second = await initWorkspace(root);
    expect(second.created).toEqual([]);
    expect(readFileSync(join(root, 'evolve.json'), 'utf8')).toBe(config);
    const ws = await openWorkspace(root);
    expect(ws.config.lineage.rule).toBe('paired-significant');
    await ws.close();
  });

  it('init refuses to touch a workspace whose config is invalid, and writes nothing', async () => {
    const root = tmp();
    writeFileSync(join(root, 'evolve.json'), JSON.stringify({ lineage: { children: 0 } }));
    await expect(initWorkspace(root)).rejects.toThrow(/lineage\.children/);
    expect(readdirSync(root)).toEqual(['evolve.json']);
  });

  it('names every bad field of the config by its path', () => {
    const root = tmp();
    const file = join(root, 'evolve.json');
    writeFileSync(file, JSON.stringify({ defaults: { repeats: -1, sandbox: 'vm' }, colour: 'blue' }));
    const error = (() => {
      try {
        loadConfig(file);
      } catch (e) {
        return e as WorkspaceError;
      }
    })();
    expect(error).toBeInstanceOf(WorkspaceError);
    expect(error?.message).toContain(file);
    expect(error?.message).toMatch(/defaults\.repeats/);
    expect(error?.message).toMatch(/defaults\.sandbox/);
    expect(error?.message).toMatch(/colour/);
  });

  it('takes suites with settings and base-image mappings, and names a bad one by its path', () => {
    const file = join(tmp(), 'evolve.json');
    writeFileSync(
      file,
      JSON.stringify({
        suites: { tb: { path: 'tb/tasks', agentUser: 'agent', testTimeoutSec: 30 }, swe: 'lite.jsonl' },
        images: { bases: { 'python:3.12*': 'recipes/py.Dockerfile' }, pull: 'never' },
      }),
    );
    const config = loadConfig(file);
    expect(config.suites.tb).toEqual({ path: 'tb/tasks', agentUser: 'agent', testTimeoutSec: 30 });
    expect(config.images).toEqual({ bases: { 'python:3.12*': 'recipes/py.Dockerfile' }, pull: 'never' });
    writeFileSync(
      file,
      JSON.stringify({ suites: { tb: { path: 'x', verifierTimeout: 3 } }, images: { pull: 'maybe' } }),
    );
    expect(() => loadConfig(file)).toThrow(/suites\.tb[\s\S]*images\.pull|images\.pull[\s\S]*suites\.tb/);
  });

  it('reports a config that is not JSON', () => {
    const file = join(tmp(), 'evolve.json');
    writeFileSync(file, '{ "version": 1,');
    expect(() => loadConfig(file)).toThrow(/is not readable JSON/);
  });

  it('finds the workspace from a nested folder, or from --workspace', async () => {
    const root = tmp();
    await initWorkspace(root);
    const nested = join(root, 'a', 'b');
    mkdirSync(nested, { recursive: true });
    expect(findWorkspaceRoot(nested)).toBe(root);
    expect(findWorkspaceRoot('/', root)).toBe(root);
    expect(() => findWorkspaceRoot(tmp())).toThrow(/no evolve workspace/);
    expect(() => findWorkspaceRoot('/', tmp())).toThrow(/--workspace/);
  });

  it('a workspace whose database was deleted says so instead of creating an empty one', async () => {
    const root = tmp();
    await initWorkspace(root);
    const { rmSync } = await import('node:fs');
    rmSync(join(root, 'evolve.db'));
    await expect(openWorkspace(root)).rejects.toThrow(/does not exist/);
    expect(existsSync(join(root, 'evolve.db'))).toBe(false);
  });
});
