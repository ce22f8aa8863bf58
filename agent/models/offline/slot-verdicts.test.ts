// vitest project: e2e (runs whole agents or a whole typecheck: minutes, not seconds)
import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { Genome } from '../../genome.js';
import { runAgent } from '../../loop.js';
import { TempDirSandbox } from '../../testing/temp-sandbox.js';
import { MemoryTrajectory } from '../../trajectory.js';
import { createModel } from '../registry.js';
import type { Model, ModelRequest } from '../types.js';

// Each genome slot changes the offline model's verdict on a task category, on two small projects with a genuine bug
// each, graded by a hidden test written in only after the agent is done (as the suite grades). Tools and the output
// cap are pinned on built-in tasks (slots.test.ts), memory on cachet-2 (lineage/policies-differ.test.ts); here:
// - planning, model params and memory on a two-suspect bug (the statement names the caller first; the bug is a
//   likely edit in the callee): without a plan the search spends its budget on the caller's long tail of edits;
//   a plan (likeliest edits everywhere first) or `candidates=3` (give a function up sooner) reaches the callee;
//   a 4-turn window forgets what it tried and submits a wrong edit;
// - prompt on a needs-search bug (in a helper the statement never names): the `example` prompt's worked grep
//   makes it search the helpers the named function calls; `detailed` has no such hint and gives up.
// Every request is checked for the hidden test; the first, for the fix.

const hasPython = (() => {
  try {
    execFileSync('python3', ['-c', 'import pytest'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

interface Fixture {
  files: Record<string, string>;
  statement: string;
  hiddenTest: string;
  fix: string;
}

const lines = (...l: string[]) => `${l.join('\n')}\n`;

const TWO_SUSPECTS: Fixture = {
  files: {
    'shop/__init__.py': '',
    'shop/invoice.py': lines(
      '"""Invoice totals."""',
      '',
      'from .pricing import apply_discount, line_sum',
      '',
      '',
      'def invoice_total(lines, discount_pct):',
      '    """Total in cents of (name, qty, unit_cents) lines after a percentage discount."""',
      '    subtotal = line_sum(lines)',
      '    rate = discount_pct',
      '    discounted = apply_discount(subtotal, rate)',
      '    return discounted',
    ),
    'shop/pricing.py': lines(
      '"""Price arithmetic, in whole cents."""',
      '',
      '',
      'def line_sum(lines):',
      '    """Sum of qty * unit_cents over (name, qty, unit_cents) lines."""',
      '    return sum(qty * unit for _name, qty, unit in lines)',
      '',
      '',
      'def apply_discount(cents, pct):',
      '    """`cents` less `pct` percent, rounded down to whole cents."""',
      '    return cents + cents * pct // 100',
    ),
    'tests/test_invoice.py': lines(
      'from shop.invoice import invoice_total',
      '',
      '',
      'def test_no_discount():',
      '    assert invoice_total([("pen", 2, 150)], 0) == 300',
    ),
  },
  statement: `invoice_total charges more when there is a discount

\`\`\`python
>>> from shop.invoice import invoice_total
>>> invoice_total([("pen", 2, 150), ("pad", 1, 400)], 10)
770
\`\`\`

Expected \`630\`: 10% off 700 cents. It goes through \`invoice_total\` and then \`apply_discount()\`; without a discount the total is right.`,
  hiddenTest: lines(
    'from shop.invoice import invoice_total',
    '',
    '',
    'def test_hidden_quarter_off_rounds_down():',
    '    assert invoice_total([("a", 1, 1001)], 25) == 751',
  ),
  fix: 'cents - cents * pct // 100',
};

const HELPER_BUG: Fixture = {
  files: {
    'shop/__init__.py': '',
    'shop/invoice.py': lines(
      '"""Invoice totals."""',
      '',
      'from .pricing import line_sum',
      '',
      '',
      'def invoice_total(lines):',
      '    """Total in cents of (name, qty, unit_cents) lines."""',
      '    return line_sum(lines)',
    ),
    'shop/pricing.py': lines(
      '"""Price arithmetic, in whole cents."""',
      '',
      '',
      'def line_sum(lines):',
      '    """Sum of qty * unit_cents over (name, qty, unit_cents) lines."""',
      '    return sum((qty - 1) * unit for _name, qty, unit in lines)',
    ),
    'tests/test_invoice.py': lines(
      'from shop.invoice import invoice_total',
      '',
      '',
      'def test_empty():',
      '    assert invoice_total([]) == 0',
    ),
  },
  statement: `invoice_total leaves out one of each item

\`\`\`python
>>> from shop.invoice import invoice_total
>>> invoice_total([("pen", 2, 150), ("pad", 1, 400)])
150
\`\`\`

Expected \`700\`: two pens at 150 and a pad at 400.`,
  hiddenTest: lines(
    'from shop.invoice import invoice_total',
    '',
    '',
    'def test_hidden_three_of_a_kind():',
    '    assert invoice_total([("a", 3, 10)]) == 30',
  ),
  fix: '(qty) * unit',
};

const sandboxes: TempDirSandbox[] = [];
afterEach(async () => {
  for (const s of sandboxes.splice(0)) await s.dispose();
});

/** exp-01 (no plan, editor, full memory, detailed prompt, 30 steps) with `changes`, on `task`, graded after. */
async function run(task: Fixture, changes: Partial<Record<keyof Genome, unknown>> = {}) {
  const sandbox = await TempDirSandbox.create(task.files);
  sandboxes.push(sandbox);
  const genome = Genome.parse({
    model: 'offline',
    planning: { name: 'none' },
    tools: { name: 'editor' },
    memory: { name: 'full' },
    prompt: { name: 'detailed' },
    budgets: { steps: 30, wallClockSec: 600 },
    ...changes,
  });
  const inner = await createModel(genome.model);
  const requests: ModelRequest[] = [];
  const model: Model = {
    provider: inner.provider,
    modelId: inner.modelId,
    generate: (request, options) => {
      requests.push(structuredClone(request));
      return inner.generate(request, options);
    },
  };
  const result = await runAgent({
    genome,
    task: { id: 'shop__shop-1', statement: task.statement, workdir: sandbox.workdir },
    sandbox,
    model,
    trajectory: new MemoryTrajectory(),
  });
  // Grading: the hidden test goes in only now, after the agent is done.
  await sandbox.writeFile(`${sandbox.workdir}/tests/test_hidden.py`, task.hiddenTest);
  const graded = await sandbox.exec('PYTHONDONTWRITEBYTECODE=1 python3 -m pytest -q -p no:cacheprovider tests 2>&1');
  // Never the hidden test; the fix only once its own edit made it (not in what it was first given).
  expect(JSON.stringify(requests)).not.toContain('test_hidden');
  expect(JSON.stringify(requests[0])).not.toContain(task.fix);
  return { resolved: graded.exitCode === 0, steps: result.steps, diff: result.diff };
}

describe.skipIf(!hasPython)('each genome slot changes a verdict (offline model, host python)', () => {
  it('planning: a plan reaches the bug in the second suspect; without one the budget goes on the first', {
    timeout: 600_000,
  }, async () => {
    const [none, plan] = [await run(TWO_SUSPECTS), await run(TWO_SUSPECTS, { planning: { name: 'plan-first' } })];
    expect(none).toMatchObject({ resolved: false, steps: 30 });
    expect(plan.resolved).toBe(true);
    expect(plan.diff).toContain(`+    return ${TWO_SUSPECTS.fix}`);
  });

  it("the model's own params: candidates=3 gives the first suspect up sooner and resolves it", {
    timeout: 600_000,
  }, async () => {
    const few = await run(TWO_SUSPECTS, { model: 'offline?candidates=3' });
    expect(few.resolved).toBe(true);
  });

  it('memory: with a plan, a 4-turn window forgets what it tried and does not resolve it', {
    timeout: 600_000,
  }, async () => {
    const forgetful = await run(TWO_SUSPECTS, {
      planning: { name: 'plan-first' },
      memory: { name: 'window', params: { turns: 4 } },
    });
    expect(forgetful.resolved).toBe(false);
  });

  it("prompt: the example prompt's worked grep makes it search the helper the statement never names", {
    timeout: 600_000,
  }, async () => {
    const [detailed, example] = [await run(HELPER_BUG), await run(HELPER_BUG, { prompt: { name: 'example' } })];
    expect(detailed.resolved).toBe(false);
    expect(example.resolved).toBe(true);
    expect(example.diff).toContain('+    return sum((qty) * unit');
  });
});
