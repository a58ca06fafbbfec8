import { SingleBar } from 'cli-progress';

/**
 * Live progress on stderr: a bar on a terminal; elsewhere (pipes, CI logs) one line whenever the
 * percentage or stage changes.
 */
export class ProgressDisplay {
  private readonly bar?: SingleBar;
  private last = '';

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {
    if (stream.isTTY) {
      this.bar = new SingleBar({ stream, format: '{bar} {percentage}% | {status} | {stage}', hideCursor: true, clearOnComplete: false, barsize: 30 });
      this.bar.start(100, 0, { status: 'queued', stage: '' });
    }
  }

  update(progress: number, status: string, stage: string | null): void {
    const percent = Math.round(progress * 100);
    if (this.bar) {
      this.bar.update(percent, { status, stage: stage ?? '' });
      return;
    }
    const line = `[${String(percent).padStart(3)}%] ${status}${stage ? ` · ${stage}` : ''}`;
    if (line !== this.last) this.stream.write(`${line}\n`);
    this.last = line;
  }

  stop(): void {
    this.bar?.stop();
  }
}
