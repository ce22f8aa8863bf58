import type { Message } from '../../models/types.js';
import type { AgentServices, Turn } from '../types.js';

// Helpers shared by the memory policies: the first message (task + pinned sections) and turns as messages.

export function taskMessage(services: AgentServices): Message {
  const pinned = services.pinned.render();
  return { role: 'user', content: pinned ? `${services.instance}\n\n${pinned}` : services.instance };
}

export function turnsToMessages(turns: Turn[]): Message[] {
  return turns.flatMap((t) => [t.assistant, t.observation]);
}

/** A plain-text rendering of turns, for a summarizer that should not see tool-call blocks. */
export function turnsAsText(turns: Turn[], maxResultChars: number): string {
  const clip = (s: string) => (s.length <= maxResultChars ? s : `${s.slice(0, maxResultChars)} [...]`);
  return turns
    .map((t) => {
      const said = t.assistant.content.map((p) =>
        p.type === 'text' ? p.text : `called ${p.name} ${JSON.stringify(p.input)}`,
      );
      const seen =
        typeof t.observation.content === 'string'
          ? [t.observation.content]
          : t.observation.content.map((p) => (p.type === 'text' ? p.text : p.content));
      return `Step ${t.step}:\n${said.join('\n')}\nResult:\n${seen.map(clip).join('\n')}`;
    })
    .join('\n\n');
}

export function messageChars(messages: Message[]): number {
  let chars = 0;
  for (const m of messages) {
    if (typeof m.content === 'string') chars += m.content.length;
    else
      for (const p of m.content)
        chars +=
          p.type === 'text'
            ? p.text.length
            : p.type === 'tool_result'
              ? p.content.length
              : JSON.stringify(p.input ?? null).length + p.name.length;
  }
  return chars;
}
