// Long tool output is cut in the middle: the head shows what started, the tail shows how it ended (errors
// usually sit at the end), and a marker says how much was left out so the model can narrow its command.

export interface Truncated {
  text: string;
  truncated: boolean;
}

export function truncateMiddle(text: string, maxChars: number): Truncated {
  if (text.length <= maxChars) return { text, truncated: false };
  const head = Math.ceil(maxChars / 2);
  const tail = maxChars - head;
  const omitted = text.length - head - tail;
  const marker = `\n[... ${omitted} characters omitted; narrow the command (grep, head, sed -n) to see them ...]\n`;
  return { text: text.slice(0, head) + marker + (tail > 0 ? text.slice(text.length - tail) : ''), truncated: true };
}
