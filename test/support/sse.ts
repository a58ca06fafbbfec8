import { Json } from './http';
import { sleep } from './hub-process';

export interface SseMessage {
  id?: string;
  event?: string;
  data: Json;
}

/** Reads a text/event-stream in the background and keeps every message. */
export class SseRecorder {
  readonly messages: SseMessage[] = [];
  private readonly abort = new AbortController();
  private done?: Promise<void>;

  async open(url: string, headers: Record<string, string> = {}): Promise<void> {
    const response = await fetch(url, { signal: this.abort.signal, headers: { accept: 'text/event-stream', ...headers } });
    if (!response.ok || !response.body) throw new Error(`SSE ${url} answered ${response.status}`);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    this.done = (async () => {
      let buffer = '';
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          buffer += value;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            this.messages.push(parse(buffer.slice(0, end)));
            buffer = buffer.slice(end + 2);
          }
        }
      } catch {
        // aborted
      }
    })();
  }

  async waitFor(predicate: (message: SseMessage) => boolean, timeoutMs = 30000): Promise<SseMessage> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = this.messages.find(predicate);
      if (found) return found;
      await sleep(25);
    }
    throw new Error(`no matching SSE message; got ${this.messages.map((m) => m.event).join(', ')}`);
  }

  async close(): Promise<void> {
    this.abort.abort();
    await this.done;
  }
}

function parse(block: string): SseMessage {
  const message: SseMessage = { data: undefined };
  const data: string[] = [];
  for (const line of block.split('\n')) {
    const [field, ...rest] = line.split(':');
    const value = rest.join(':').replace(/^ /, '');
    if (field === 'id') message.id = value;
    else if (field === 'event') message.event = value;
    else if (field === 'data') data.push(value);
  }
  const text = data.join('\n');
  try {
    message.data = JSON.parse(text);
  } catch {
    message.data = text;
  }
  return message;
}
