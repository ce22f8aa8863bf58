import type { PromptPolicy } from '../types.js';
import { params as templateParams, templatePolicy, type PromptParams } from './template.js';

/** Prompt text from agent/prompts/detailed/ (system.md, instance.md). */
export const params = templateParams;

export function create(p: PromptParams): PromptPolicy {
  return templatePolicy('detailed', p);
}
