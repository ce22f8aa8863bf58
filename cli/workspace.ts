import type { Command } from 'commander';
import { findWorkspaceRoot, openWorkspace, type Workspace } from '../lineage/workspace.js';

/** Opens the workspace named by the global --workspace flag (or found upwards), runs fn, always closes it. */
export async function withWorkspace<T>(cmd: Command, fn: (ws: Workspace) => Promise<T>): Promise<T> {
  const explicit = cmd.optsWithGlobals<{ workspace?: string }>().workspace;
  const ws = await openWorkspace(findWorkspaceRoot(process.cwd(), explicit));
  try {
    return await fn(ws);
  } finally {
    await ws.close();
  }
}
