import { useEffect, useRef } from 'react';
import { apiKey, authEvents } from './client';

export interface HubEvent {
  type: string;
  subject?: string;
  time: string;
  data: Record<string, unknown>;
}

/**
 * Follows GET /api/events (server-sent events) for the given type prefixes. It reads the stream with
 * fetch rather than EventSource so the API key goes in a header, and reconnects after a pause when
 * the stream ends.
 */
export function useHubEvents(types: string, onEvent: (event: HubEvent) => void): void {
  const handler = useRef(onEvent);
  handler.current = onEvent;
  useEffect(() => {
    const abort = new AbortController();
    let retryMs = 1000;
    const follow = async () => {
      while (!abort.signal.aborted) {
        try {
          const key = apiKey.get();
          const response = await fetch(`/api/events?types=${encodeURIComponent(types)}`, { headers: { accept: 'text/event-stream', ...(key ? { 'X-API-Key': key } : {}) }, signal: abort.signal });
          if (response.status === 401 || response.status === 403) {
            // asking again will not help: the console asks for a key
            if (response.status === 401) authEvents.dispatchEvent(new Event('unauthorized'));
            return;
          }
          if (!response.ok || !response.body) throw new Error(`events: ${response.status}`);
          retryMs = 1000;
          const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
          let buffer = '';
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            buffer += value;
            let end: number;
            while ((end = buffer.indexOf('\n\n')) >= 0) {
              const message = buffer.slice(0, end);
              buffer = buffer.slice(end + 2);
              const data = message
                .split('\n')
                .filter((line) => line.startsWith('data:'))
                .map((line) => line.slice(5).trimStart())
                .join('\n');
              if (!data) continue;
              const event = JSON.parse(data) as HubEvent;
              if (event.type !== 'heartbeat') handler.current(event);
            }
          }
        } catch {
          if (abort.signal.aborted) return;
        }
        await new Promise((resolve) => setTimeout(resolve, retryMs));
        retryMs = Math.min(retryMs * 2, 15_000);
      }
    };
    void follow();
    return () => abort.abort();
  }, [types]);
}
