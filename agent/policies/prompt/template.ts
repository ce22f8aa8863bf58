import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { PromptPolicy, PromptVars } from '../types.js';

// Prompts are text files: agent/prompts/<variant>/{system.md,instance.md}, with `{{var}}` substitution and
// `{{#var}}...{{/var}}` blocks kept only when var is non-empty. Skills (agent/prompts/skills/<name>.md) are
// appended to the system prompt. A variant's wording can change without touching code.

export const PROMPTS_DIR = fileURLToPath(new URL('../../prompts/', import.meta.url));
const SKILLS_DIR = `${PROMPTS_DIR}skills/`;

export function listSkills(): string[] {
  return existsSync(SKILLS_DIR)
    ? readdirSync(SKILLS_DIR)
        .filter((f) => f.endsWith('.md') && f !== 'README.md')
        .map((f) => f.slice(0, -3))
        .sort()
    : [];
}

export const params = z.strictObject({
  skills: z
    .array(z.string().regex(/^[A-Za-z0-9_-]+$/, 'a skill is a file name under agent/prompts/skills/ without .md'))
    .default([])
    .superRefine((names, ctx) => {
      for (const name of names)
        if (!existsSync(`${SKILLS_DIR}${name}.md`))
          ctx.addIssue({
            code: 'custom',
            message: `no skill file agent/prompts/skills/${name}.md (known: ${listSkills().join(', ') || 'none'})`,
          });
    }),
});
export type PromptParams = z.infer<typeof params>;

const VAR_NAMES: ReadonlyArray<keyof PromptVars> = ['task_id', 'statement', 'workdir', 'tools', 'test_command'];

export function renderTemplate(template: string, vars: PromptVars, where: string): string {
  const withBlocks = template.replace(/\{\{#(\w+)\}\}([\s\S]*?)\{\{\/\1\}\}/g, (_m, name: string, body: string) => {
    if (!VAR_NAMES.includes(name as keyof PromptVars))
      throw new Error(`${where}: unknown template variable {{#${name}}}`);
    return vars[name as keyof PromptVars] ? body : '';
  });
  return withBlocks
    .replace(/\{\{(\w+)\}\}/g, (_m, name: string) => {
      if (!VAR_NAMES.includes(name as keyof PromptVars))
        throw new Error(`${where}: unknown template variable {{${name}}} (known: ${VAR_NAMES.join(', ')})`);
      return vars[name as keyof PromptVars];
    })
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** A prompt policy reading the given variant's files (read once, at creation). */
export function templatePolicy(variant: string, p: PromptParams): PromptPolicy {
  const dir = `${PROMPTS_DIR}${variant}/`;
  const system = readFileSync(`${dir}system.md`, 'utf8');
  const instance = readFileSync(`${dir}instance.md`, 'utf8');
  const skills = p.skills.map((name) => readFileSync(`${SKILLS_DIR}${name}.md`, 'utf8').trim());
  return {
    render(vars) {
      const base = renderTemplate(system, vars, `agent/prompts/${variant}/system.md`);
      return {
        system: skills.length > 0 ? `${base}\n\n# Skills\n\n${skills.join('\n\n')}` : base,
        instance: renderTemplate(instance, vars, `agent/prompts/${variant}/instance.md`),
      };
    },
  };
}
