import { canonicalJson, Genome, POLICY_SLOTS, type PolicyChoice } from './genome.js';

// A readable diff of two genomes, one entry per changed part, naming the slot:
//   memory: full -> window{turns:8}      budgets.steps: 40 -> 60      model: offline -> openai/gpt-5

export interface GenomeChange {
  /** "model", a policy slot ("memory"), or "budgets.<field>". */
  path: string;
  from: unknown;
  to: unknown;
  /** e.g. "memory: full -> window{turns:8}". */
  text: string;
}

/** `window{turns:8}`; just the name when there are no params. */
export function formatChoice(choice: PolicyChoice): string {
  const params = choice.params ?? {};
  if (Object.keys(params).length === 0) return choice.name;
  return `${choice.name}${canonicalJson(params).replace(/"([A-Za-z_$][\w$]*)":/g, '$1:')}`;
}

function formatValue(value: unknown): string {
  return value === undefined ? '(unset)' : typeof value === 'string' ? value : canonicalJson(value);
}

export function diffGenomes(a: Genome, b: Genome): GenomeChange[] {
  const x = Genome.parse(a);
  const y = Genome.parse(b);
  const changes: GenomeChange[] = [];
  if (x.model !== y.model)
    changes.push({ path: 'model', from: x.model, to: y.model, text: `model: ${x.model} -> ${y.model}` });
  for (const slot of POLICY_SLOTS) {
    if (canonicalJson(x[slot]) === canonicalJson(y[slot])) continue;
    changes.push({
      path: slot,
      from: x[slot],
      to: y[slot],
      text: `${slot}: ${formatChoice(x[slot])} -> ${formatChoice(y[slot])}`,
    });
  }
  const budgetKeys = [...new Set([...Object.keys(x.budgets), ...Object.keys(y.budgets)])].sort() as Array<
    keyof Genome['budgets']
  >;
  for (const key of budgetKeys) {
    const from = x.budgets[key];
    const to = y.budgets[key];
    if (from === to) continue;
    changes.push({
      path: `budgets.${key}`,
      from,
      to,
      text: `budgets.${key}: ${formatValue(from)} -> ${formatValue(to)}`,
    });
  }
  return changes;
}
