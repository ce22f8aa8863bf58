export { Z95, logChoose, passAtK, wilson, wilsonRate, type Interval } from './interval.js';
export {
  mcnemarExact,
  pairedComparison,
  seededRandom,
  type McNemar,
  type PairedComparison,
  type PairedOptions,
} from './paired.js';
export { noiseFloor, type NoiseFloor } from './noise.js';
export { summarize, taskScores, type RunOutcome, type Summary, type TaskScore } from './summary.js';
export {
  binomialUpperTail,
  holmAdjust,
  minTasksToDetect,
  pairedTest,
  signFlipTest,
  signTest,
  spendAtLook,
  type PairedTest,
  type TestName,
} from './tests.js';
