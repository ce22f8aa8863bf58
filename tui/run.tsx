import { render } from 'ink';
import type { Db } from '../lineage/db/open.js';
import { readClusters, readExperiment, readLiveProgress, readTrajectoryLines, readTree } from '../lineage/read.js';
import { App } from './app.js';
import type { TuiData } from './data.js';

export function lineageData(db: Db): TuiData {
  return {
    tree: () => readTree(db),
    experiment: (id) => readExperiment(db, id),
    clusters: (id) => readClusters(db, id),
    trajectory: async (path) => readTrajectoryLines(path),
    live: () => readLiveProgress(db),
  };
}

/** Runs the TUI until the user quits. Colour follows NO_COLOR and whether stdout is a terminal. */
export async function runTui(db: Db): Promise<void> {
  const color = !process.env.NO_COLOR && Boolean(process.stdout.isTTY);
  const app = render(<App data={lineageData(db)} color={color} />, { exitOnCtrlC: true });
  await app.waitUntilExit();
}
