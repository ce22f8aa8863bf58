import { describe, expect, it } from 'vitest';
import { hiddenPathIn, reportTestNames } from './hidden.js';
import { gradingOutcome } from './outcome.js';

// Every harness's report read into one shape: lineage/ and evaluator/ read these fields, never the layouts.
describe('grading outcome', () => {
  it('reads a SWE-bench report: patch state, broken passing tests, a partial fix, touched tests, test names', () => {
    const report = {
      patch_is_None: false,
      patch_exists: true,
      patch_successfully_applied: true,
      touched_test_files: ['tests/test_a.py'],
      tests_status: {
        FAIL_TO_PASS: { success: ['t::a'], failure: ['t::b'] },
        PASS_TO_PASS: { success: [], failure: ['t::c'] },
      },
    };
    expect(gradingOutcome(JSON.stringify(report))).toMatchObject({
      patch: 'applied',
      touchedTests: true,
      brokePassing: true,
      partialFix: true,
      noFix: false,
      anyFixPasses: true,
      testNames: ['t::a', 't::b', 't::c'],
    });
    expect(gradingOutcome({ ...report, patch_successfully_applied: false }).patch).toBe('not_applied');
    expect(gradingOutcome({ patch_is_None: true }).patch).toBe('empty');
  });

  it('reads Terminal-Bench parser results and a Harbor reward the same way', () => {
    const tb = { parser_results: { test_one: 'PASSED', test_two: 'FAILED' }, timed_out: false };
    expect(gradingOutcome(tb)).toMatchObject({ partialFix: true, noFix: false, testNames: ['test_one', 'test_two'] });
    expect(gradingOutcome({ parser_results: { t: 'FAILED' } })).toMatchObject({ partialFix: false, noFix: true });
    expect(gradingOutcome({ reward: 0 })).toMatchObject({ noFix: true, partialFix: false });
    expect(gradingOutcome({ reward: 0.5, timed_out: true })).toMatchObject({ partialFix: true, testTimeout: true });
    expect(gradingOutcome({ grading_flags: ['shadowing file: /app/pytest.py added'] }).gradingFlags).toHaveLength(1);
  });

  it('reads no report, or one that is not JSON, as nothing', () => {
    for (const r of [null, undefined, '', 'not json', '[1]'])
      expect(gradingOutcome(r)).toMatchObject({ patch: 'empty', noFix: false, testNames: [] });
    expect(reportTestNames('{"tests_status":{"FAIL_TO_PASS":{"success":["x::y"]}}}')).toEqual(['x::y']);
  });

  it('names the hidden path a command reaches for', () => {
    expect(hiddenPathIn('{"command":"cat /tests/test_outputs.py"}')).toBe('/tests');
    expect(hiddenPathIn('{"command":"ls /app/src"}')).toBeUndefined();
  });
});
