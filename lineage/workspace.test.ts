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
