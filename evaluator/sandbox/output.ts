// Collects command output up to a cap. Past the cap, bytes are counted and dropped, never buffered, and a marker
// says how much was cut.

export const DEFAULT_OUTPUT_CAP = 1 << 20;

export class CappedOutput {
  private chunks: Buffer[] = [];
  private kept = 0;
  private dropped = 0;

  constructor(private readonly cap: number = DEFAULT_OUTPUT_CAP) {}

  push(chunk: Buffer): void {
    const room = this.cap - this.kept;
    if (room > 0) {
      const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
      this.chunks.push(part);
      this.kept += part.length;
    }
    this.dropped += Math.max(0, chunk.length - Math.max(0, room));
  }

  get truncated(): boolean {
    return this.dropped > 0;
  }

  text(): string {
    return cappedText(Buffer.concat(this.chunks), this.dropped);
  }
}

/** Kept output with the marker saying how much was cut; `dropped` < 0 when the amount is unknown. */
export function cappedText(kept: Buffer, dropped: number): string {
  const body = kept.toString('utf8');
  if (dropped === 0) return body;
  return `${body}\n[... output truncated: ${dropped > 0 ? `${dropped} ` : ''}more bytes not kept ...]\n`;
}
