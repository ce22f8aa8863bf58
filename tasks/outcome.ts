// What a grading report says, in one shape whatever harness wrote it. The reports keep their upstream layouts
// (SWE-bench's per-instance report, Terminal-Bench's parser results, Harbor's reward) because people compare them
// with upstream's; readers outside tasks/ (failure signatures, suite validation, masking) read this instead, so
// a new layout is taught here once.

/** The report fields graders write (grade.ts): SWE-bench's upstream per-instance report, Terminal-Bench's results. */
export interface GradeReport {
  patch_is_None?: boolean;
  patch_exists?: boolean;
  patch_successfully_applied?: boolean;
  resolved?: boolean | null;
  /** Test files the model patch changed (stripped before grading); a boolean in reports written before the list. */
  touched_test_files?: string[] | boolean;
  tests_status?: {
    FAIL_TO_PASS?: { success?: string[]; failure?: string[] };
    PASS_TO_PASS?: { success?: string[]; failure?: string[] };
  };
  /** The hidden tests timed out (SWE-bench and Terminal-Bench reports). */
  timed_out?: boolean;
  /** Terminal-Bench, pytest layout: status per hidden test. */
  parser_results?: Record<string, string>;
  /** Harbor: 0..1. */
  reward?: number;
  /** Tampering with the grader found while grading (tamper.ts); such a run is graded unresolved. */
  grading_flags?: string[];
}

export type PatchState = 'empty' | 'not_applied' | 'applied';

export interface GradingOutcome {
  patch: PatchState;
  /** The model patch touched test files (stripped before grading). */
  touchedTests: boolean;
  /** Some tests that passed before the change fail after it. */
  brokePassing: boolean;
  /** Some but not all of the tests the task needs fixed pass. */
  partialFix: boolean;
  /** None of the tests the task needs fixed pass. */
  noFix: boolean;
  /** Some of the tests the task needs fixed pass (for a null run: the task passes with no change at all). */
  anyFixPasses: boolean;
  testTimeout: boolean;
  gradingFlags: string[];
  /** Every hidden test the report names (to mask them, never to show them). */
  testNames: string[];
}

const PASSED = new Set(['PASSED', 'XFAIL']);

/** A report as stored (JSON text or an object); anything unreadable is no report. */
export function readReport(report: unknown): GradeReport | null {
  if (!report) return null;
  if (typeof report === 'object') return Array.isArray(report) ? null : (report as GradeReport);
  if (typeof report !== 'string') return null;
  try {
    const parsed: unknown = JSON.parse(report);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as GradeReport) : null;
  } catch {
    return null;
  }
}

function fixState(r: GradeReport | null): Pick<GradingOutcome, 'partialFix' | 'noFix'> {
  const f2p = r?.tests_status?.FAIL_TO_PASS;
  if (f2p) {
    const [ok, bad] = [f2p.success?.length ?? 0, f2p.failure?.length ?? 0];
    return { partialFix: ok > 0 && bad > 0, noFix: bad > 0 && ok === 0 };
  }
  if (r?.parser_results) {
    const states = Object.values(r.parser_results);
    const passed = states.filter((s) => PASSED.has(s)).length;
    return { partialFix: passed > 0 && passed < states.length, noFix: states.length > 0 && passed === 0 };
  }
  if (typeof r?.reward === 'number') return { partialFix: r.reward > 0 && r.reward < 1, noFix: r.reward <= 0 };
  return { partialFix: false, noFix: false };
}

/** The report's facts, normalised; a missing report reads as an empty patch that fixed nothing. */
export function gradingOutcome(report: unknown): GradingOutcome {
  const r = readReport(report);
  const status = r?.tests_status;
  const touched = r?.touched_test_files;
  return {
    patch:
      !r || r.patch_is_None || r.patch_exists === false
        ? 'empty'
        : r.patch_successfully_applied === false
          ? 'not_applied'
          : 'applied',
    touchedTests: Array.isArray(touched) ? touched.length > 0 : Boolean(touched),
    brokePassing: (status?.PASS_TO_PASS?.failure?.length ?? 0) > 0,
    ...fixState(r),
    anyFixPasses: (status?.FAIL_TO_PASS?.success?.length ?? 0) > 0,
    testTimeout: r?.timed_out === true,
    gradingFlags: r?.grading_flags ?? [],
    testNames: [
      ...Object.values(status ?? {}).flatMap((v) => [...(v?.success ?? []), ...(v?.failure ?? [])]),
      ...Object.keys(r?.parser_results ?? {}),
    ],
  };
}
