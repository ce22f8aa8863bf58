import type { Command } from 'commander';
import { z } from 'zod';
import { POLICY_SLOTS } from '../../agent/genome.js';
import { listPolicies } from '../../agent/policies/registry.js';
import { printJson } from '../output.js';

// `evolve policies`: what a genome may choose in each slot (agent/policies/registry.ts), with each policy's params,
// their types and defaults: the menu proposers pick from.

interface ParamInfo {
  name: string;
  type: string;
  default?: unknown;
}

function paramsOf(schema: z.ZodType, defaults: Record<string, unknown>): ParamInfo[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, { type?: string | string[]; enum?: unknown[]; items?: { type?: string } }>;
  };
  return Object.entries(json.properties ?? {}).map(([name, p]) => ({
    name,
    type: p.enum
      ? p.enum.map((v) => JSON.stringify(v)).join('|')
      : p.type === 'array'
        ? `${p.items?.type ?? 'any'}[]`
        : Array.isArray(p.type)
          ? p.type.join('|')
          : (p.type ?? 'any'),
    ...(name in defaults ? { default: defaults[name] } : {}),
  }));
}

export function registerPolicies(program: Command): void {
  program
    .command('policies')
    .description('the policy slots of a genome, the policies registered for each, and their params')
    .option('--json', 'print as JSON')
    .action((f: { json?: boolean }) => {
      const slots = POLICY_SLOTS.map((slot) => ({
        slot,
        policies: listPolicies(slot).map((p) => ({
          name: p.name,
          description: p.description,
          params: paramsOf(p.params, p.defaults),
        })),
      }));
      if (f.json) return printJson(slots);
      const lines: string[] = [];
      for (const s of slots) {
        lines.push(`${s.slot}`);
        for (const p of s.policies) {
          lines.push(`  ${p.name}: ${p.description}`);
          for (const a of p.params)
            lines.push(`      ${a.name} (${a.type})${'default' in a ? ` default ${JSON.stringify(a.default)}` : ''}`);
        }
      }
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
