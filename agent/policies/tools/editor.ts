import type { AgentTaskView } from '../../task-view.js';
import type { Tool } from '../../tools/define.js';
import { bashTool, CommandParams, withCommonTools } from './common.js';
import { fileTools } from './file-tools.js';

/** File tools (view, create, str_replace, insert) plus bash: edits no longer depend on quoting sed right. */
export const params = CommandParams;

export function create(p: CommandParams, task: AgentTaskView): Tool[] {
  return withCommonTools([bashTool(p), ...fileTools(p)], task, p);
}
