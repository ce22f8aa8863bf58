import { render } from 'ink';
import type { Db } from '../lineage/read-api.js';
import { readClusters, readExperiment, readTree } from '../lineage/read-api.js';
import { readLiveState } from '../lineage/read-api.js';
import { readStudies, readTrajectoryBounded } from '../lineage/read-api.js';
import { App } from './app.js';
import type { TuiData } from './data.js';

export function lineageData(
  db: Db,
  options: { now?: () => Date; maxTrajectoryBytes?: number; root?: string } = {},
): TuiData {
  return {
    tree: () => readTree(db),
    experiment: (id) => readExperiment(db, id),
    clusters: (id) => readClusters(db, id),
    trajectory: (path) =>
      readTrajectoryBounded(path, options.maxTrajectoryBytes ? { maxBytes: options.maxTrajectoryBytes } : {}),
    live: () => readLiveState(db, options.now?.()),
    ...(options.root ? { studies: () => readStudies(db, options.root!) } : {}),
  };
}

/** Colour unless NO_COLOR is set (to anything non-empty, per no-color.org) or stdout is not a terminal. */
export function colorEnabled(env: NodeJS.ProcessEnv, isTTY: boolean | undefined): boolean {
  return !env.NO_COLOR && Boolean(isTTY);
}

/** Runs the TUI until the user quits. */
export async function runTui(db: Db, root?: string): Promise<void> {
  const app = render(
    <App data={lineageData(db, root ? { root } : {})} color={colorEnabled(process.env, process.stdout.isTTY)} />,
    {
      exitOnCtrlC: true,
    },
  );
  await app.waitUntilExit();
}
