import { readFile } from 'node:fs/promises';
import { render } from 'ink';
import type { Db } from '../lineage/db/open.js';
import { readClusters, readExperiment, readLiveProgress, readTree } from '../lineage/read.js';
import { App } from './app.js';
import type { TuiData } from './data.js';

/** Trajectory JSONL as one readable line per event (long outputs folded to their first lines). */
export function renderTrajectoryLines(jsonl: string): string[] {
  const lines: string[] = [];
  for (const raw of jsonl.split('\n')) {
    if (!raw.trim()) continue;
    let event: Record<string, unknown>;
    try {
      event = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      lines.push(`(unreadable line) ${raw.slice(0, 200)}`);
      continue;
    }
    const { type, ...rest } = event;
    const text = JSON.stringify(rest);
    lines.push(`── ${String(type ?? 'event')}`);
    for (const chunk of text.match(/.{1,200}/g)?.slice(0, 20) ?? []) lines.push(`   ${chunk}`);
  }
  return lines;
}

export function lineageData(db: Db): TuiData {
  return {
    tree: () => readTree(db),
    experiment: (id) => readExperiment(db, id),
    clusters: (id) => readClusters(db, id),
    trajectory: async (path) => {
      try {
        return renderTrajectoryLines(await readFile(path, 'utf8'));
      } catch (error) {
        return [`cannot read ${path}: ${(error as Error).message}`];
      }
    },
    live: () => readLiveProgress(db),
  };
}

/** Runs the TUI until the user quits. Colour follows NO_COLOR and whether stdout is a terminal. */
export async function runTui(db: Db): Promise<void> {
  const color = !process.env.NO_COLOR && Boolean(process.stdout.isTTY);
  const app = render(<App data={lineageData(db)} color={color} />, { exitOnCtrlC: true });
  await app.waitUntilExit();
}
