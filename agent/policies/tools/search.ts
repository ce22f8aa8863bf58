import { z } from 'zod';
import type { AgentTaskView } from '../../task-view.js';
import type { Tool } from '../../tools/define.js';
import { bashTool, CommandParams, withCommonTools } from './common.js';
import { fileTools } from './file-tools.js';
import { searchTools } from './search-tools.js';

/** The editor tools plus find and grep with bounded output, so exploring a repository cannot flood the context. */
export const params = CommandParams.extend({ maxMatches: z.number().int().min(1).max(1000).default(50) });
export type SearchParams = z.infer<typeof params>;

export function create(p: SearchParams, task: AgentTaskView): Tool[] {
  return withCommonTools([bashTool(p), ...fileTools(p), ...searchTools(p, p.maxMatches)], task, p);
}
