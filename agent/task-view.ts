// What the agent is given of a task: its statement and where to work, never the tests or the solution. tasks/
// produces this shape (tasks/schema.ts agentView); the agent declares it here so it depends on no other room.

export interface AgentTaskView {
  id: string;
  statement: string;
  workdir: string;
  /** A test command the task lets the agent run (the run_tests tool). */
  visibleTestCommand?: string;
}
