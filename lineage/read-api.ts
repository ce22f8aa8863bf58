// The one door through which tui/ reads the lineage: queries that only read, and the database handle they take.
export { type Db, openDatabase } from './db/open.js';
export * from './read.js';
export * from './read-live.js';
export * from './read-trajectory.js';
export { readStudies, type ReplicateStatus, type StudyStatus } from './study/status.js';
export { describeSpend, type ExperimentSpend, type SpendSummary } from './spend.js';
