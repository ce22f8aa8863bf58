import type { AgentTaskView } from '../../task-view.js';
import type { Tool } from '../../tools/define.js';
import { bashTool, CommandParams, withCommonTools } from './common.js';

/** One shell tool, like minimal agents (mini-swe-agent): the model edits files with sed, cat, python. */
export const params = CommandParams;

export function create(p: CommandParams, task: AgentTaskView): Tool[] {
  return withCommonTools([bashTool(p)], task, p);
}
