/** Keeps the last `capacity` lines; older ones are dropped and counted. */
export class LineRingBuffer {
  private readonly lines: { at: string; line: string }[] = [];
  private partial = '';
  dropped = 0;

  constructor(private readonly capacity: number) {}

  write(chunk: string): void {
    const parts = (this.partial + chunk).split(/\r?\n/);
    this.partial = parts.pop() ?? '';
    for (const line of parts) this.push(line);
    if (this.partial.length > 8192) {
      this.push(this.partial);
      this.partial = '';
    }
  }

  push(line: string): void {
    this.lines.push({ at: new Date().toISOString(), line });
    if (this.lines.length > this.capacity) {
      this.lines.shift();
      this.dropped++;
    }
  }

  tail(limit = this.capacity): { at: string; line: string }[] {
    return this.lines.slice(-limit);
  }
}
