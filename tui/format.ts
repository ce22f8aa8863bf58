// Small text helpers shared by the views; no colour here (views decide colour, and NO_COLOR turns it off).

export function scoreBar(score: number | null, width = 8): string {
  if (score === null) return '·'.repeat(width);
  const filled = Math.round(Math.max(0, Math.min(1, score)) * width);
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}

export function pct(x: number | null | undefined, digits = 0): string {
  return x === null || x === undefined ? '  –' : `${(x * 100).toFixed(digits)}%`;
}

export function signed(x: number | null): string {
  if (x === null) return '';
  const p = (x * 100).toFixed(0);
  return x > 0 ? `+${p}` : x < 0 ? p : '±0';
}

export function truncate(text: string, width: number): string {
  if (width <= 1) return text.slice(0, Math.max(0, width));
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

export function dollars(x: number | null | undefined): string {
  return x === null || x === undefined ? '$–' : `$${x.toFixed(x < 1 ? 3 : 2)}`;
}

export function duration(sec: number | null): string {
  if (sec === null) return '–';
  if (sec < 60) return `${sec}s`;
  if (sec < 3600) return `${Math.floor(sec / 60)}m${String(sec % 60).padStart(2, '0')}s`;
  return `${Math.floor(sec / 3600)}h${String(Math.floor((sec % 3600) / 60)).padStart(2, '0')}m`;
}

/** The rows of a list to show so that `selected` stays visible in a window of `height`. */
export function windowAround(total: number, selected: number, height: number): { start: number; end: number } {
  if (total <= height) return { start: 0, end: total };
  const start = Math.max(0, Math.min(selected - Math.floor(height / 2), total - height));
  return { start, end: start + height };
}
