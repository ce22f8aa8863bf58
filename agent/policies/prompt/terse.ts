import type { PromptPolicy } from '../types.js';
import { params as templateParams, templatePolicy, type PromptParams } from './template.js';

/** Prompt text from agent/prompts/terse/ (system.md, instance.md). */
export const params = templateParams;

export function create(p: PromptParams): PromptPolicy {
  return templatePolicy('terse', p);
}
