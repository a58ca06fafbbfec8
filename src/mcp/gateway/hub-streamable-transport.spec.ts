import { createServer, Server } from 'node:http';
import { connect, Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { ReplayBudget } from './bounded-event-store';
import { HubStreamableTransport } from './hub-streamable-transport';

/**
 * The transport over a real HTTP server and a raw client socket that stops reading: what Node would
 * buffer for a client that never reads is bounded by the replay cap.
 */
describe('HubStreamableTransport and a client that stops reading', () => {
  const CAP = 64 * 1024;
  let server: Server;
  let transport: HubStreamableTransport;
  let client: Socket;
  let closedOnServer: Promise<void>;

  beforeEach(async () => {
    transport = new HubStreamableTransport('session-1', new ReplayBudget(CAP, 64 * CAP), () => undefined);
    let serverSideClosed!: () => void;
    closedOnServer = new Promise((resolve) => (serverSideClosed = resolve));
    server = createServer((req, res) => {
      res.on('close', serverSideClosed);
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => void transport.handleRequest(req, res, JSON.parse(Buffer.concat(chunks).toString('utf8'))));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterEach(async () => {
    client?.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('cuts the stream off once more than the replay cap waits unread, instead of buffering everything', async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'x', _meta: { progressToken: 'p' } } });
    client = connect((server.address() as AddressInfo).port, '127.0.0.1');
    await new Promise((resolve) => client.once('connect', resolve));
    client.write(
      `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json, text/event-stream\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    client.pause(); // never reads what comes back
    await new Promise((resolve) => setTimeout(resolve, 100));

    const chunk = 'x'.repeat(256 * 1024);
    let sent = 0;
    let cut = false;
    void closedOnServer.then(() => (cut = true));
    // 256 MB if nothing stopped it: far past what loopback socket buffers hold
    while (sent < 1024 && !cut) {
      await transport.send({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 'p', progress: sent, message: chunk } }, { relatedRequestId: 1 });
      sent++;
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(cut).toBe(true);
    expect(sent).toBeLessThan(1024);
  });
});
