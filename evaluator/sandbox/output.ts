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
    const body = Buffer.concat(this.chunks).toString('utf8');
    return this.dropped > 0 ? `${body}\n[... output truncated: ${this.dropped} more bytes not kept ...]\n` : body;
  }
}
