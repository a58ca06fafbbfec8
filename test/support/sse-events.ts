export interface SseEvent {
  id?: string;
  data: string;
}

/** Reads SSE events from a fetch body until `stop` says so, then aborts the connection. */
export async function readEvents(response: Response, stop: (events: SseEvent[]) => boolean, abort: AbortController): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  try {
    while (!stop(events)) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const id = /^id: ?(.*)$/m.exec(block)?.[1];
        const data = [...block.matchAll(/^data: ?(.*)$/gm)].map((m) => m[1]).join('\n');
        events.push({ id, data });
      }
    }
  } finally {
    abort.abort();
  }
  return events;
}

