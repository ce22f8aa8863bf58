import type { ClusterSummary, ExperimentDetail, LineageTree } from '../lineage/read-api.js';
import type { LiveState } from '../lineage/read-api.js';
import type { StudyStatus, TrajectoryRead } from '../lineage/read-api.js';

/** What the TUI reads. The real one is backed by lineage's read API (tui/run.tsx); tests may pass fixed data. */
export interface TuiData {
  tree(): Promise<LineageTree>;
  experiment(id: string): Promise<ExperimentDetail | null>;
  clusters(experimentId?: string): Promise<ClusterSummary[]>;
  /** A run's trajectory, read within a byte budget so a huge file never stalls the screen. */
  trajectory(path: string): Promise<TrajectoryRead>;
  live(): Promise<LiveState>;
  /** The workspace's studies with each replicate's progress (none when not given). */
  studies?(): Promise<StudyStatus[]>;
}
