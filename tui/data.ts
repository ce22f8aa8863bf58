import type { ClusterSummary, ExperimentDetail, LineageTree, LiveProgress } from '../lineage/read.js';

/** What the TUI reads. The real one is backed by lineage/read.ts; tests may pass fixed data. */
export interface TuiData {
  tree(): Promise<LineageTree>;
  experiment(id: string): Promise<ExperimentDetail | null>;
  clusters(experimentId?: string): Promise<ClusterSummary[]>;
  /** The run's trajectory rendered as readable lines. */
  trajectory(path: string): Promise<string[]>;
  live(): Promise<LiveProgress[]>;
}
