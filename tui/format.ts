// Small text helpers shared by the views; no colour here (views decide colour, and NO_COLOR turns it off).

/**
 * A score and its interval as a small bar over 0–100%: █ below the interval's low end, ▓ from there to the
 * score, ▒ from the score to the high end, ░ beyond. Readable without colour.
 */
export function scoreBar(score: number | null, lo: number | null = null, hi: number | null = null, width = 8): string {
  if (score === null) return '·'.repeat(width);
  const cell = (x: number) => Math.round(Math.max(0, Math.min(1, x)) * width);
  const s = cell(score);
  const l = Math.min(s, cell(lo ?? score));
  const h = Math.max(s, cell(hi ?? score));
  return '█'.repeat(l) + '▓'.repeat(s - l) + '▒'.repeat(h - s) + '░'.repeat(width - h);
}

/** Words of `text` wrapped to `width`, at most `maxLines` lines (the last one ending in … when cut). */
export function wrapText(text: string, width: number, maxLines = Infinity): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = '';
    }
    line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  if (lines.length <= maxLines) return lines.map((l) => truncate(l, width));
  const kept = lines.slice(0, maxLines);
  kept[maxLines - 1] = `${truncate(kept[maxLines - 1]!, width - 1)}…`;
  return kept.map((l) => truncate(l, width));
}

/** 1234567 → "1.2M", 45210 → "45.2k". */
export function compact(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e4 ? `${(n / 1e3).toFixed(1)}k` : String(n);
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
  sec = Math.round(sec);
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
