import { BoundedLineReader, MessageTooLarge, OversizedMessage } from './bounded-line-reader';
import { BoundedStdioClientTransport } from './bounded-stdio-transport';

const line = (message: object) => `${JSON.stringify(message)}\n`;
const big = (size: number) => 'x'.repeat(size);

function reader(limit: number) {
  const oversized: OversizedMessage[] = [];
  return { reader: new BoundedLineReader(limit, (m) => oversized.push(m)), oversized };
}

function readAll(r: BoundedLineReader): (object | Error)[] {
  const out: (object | Error)[] = [];
  for (;;) {
    try {
      const message = r.readMessage();
      if (message === null) return out;
      out.push(message);
    } catch (error) {
      out.push(error as Error);
    }
  }
}

/** Feeds `text` in chunks of `size` bytes, as a pipe would. */
function feed(r: BoundedLineReader, text: string, size = 65536): void {
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i += size) r.append(bytes.subarray(i, i + size));
}

describe('BoundedLineReader', () => {
  it('reads messages split across chunks, several per chunk, with CRLF, skipping blank lines', () => {
    const { reader: r } = reader(1024);
    const a = { jsonrpc: '2.0', id: 1, result: { ok: true } };
    const b = { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 1, progress: 1 } };
    feed(r, `${line(a)}\n${JSON.stringify(b)}\r\n${line(a)}`, 7);
    expect(readAll(r)).toEqual([a, b, a]);
    expect(r.readMessage()).toBeNull();
  });

  it('accepts a message of exactly the limit', () => {
    const message = { result: { text: '' }, jsonrpc: '2.0', id: 3 };
    const size = Buffer.byteLength(JSON.stringify(message));
    const { reader: r, oversized } = reader(size);
    feed(r, line(message));
    expect(readAll(r)).toEqual([message]);
    expect(oversized).toEqual([]);
  });

  it('answers an oversized response (id last, as the TypeScript SDK writes it) with an error for its id, and reads on', () => {
    const { reader: r, oversized } = reader(100_000);
    const huge = line({ result: { content: [{ type: 'text', text: big(300_000), id: 'inner' }] }, jsonrpc: '2.0', id: 42 });
    const after = { jsonrpc: '2.0', id: 43, result: {} };
    feed(r, huge + line(after));
    const [replacement, next] = readAll(r) as [{ id: number; error: { message: string; data: MessageTooLarge } }, object];
    const bytes = Buffer.byteLength(huge) - 1;
    expect(replacement).toMatchObject({ jsonrpc: '2.0', id: 42, error: { code: -32603 } });
    expect(replacement.error.data).toBeInstanceOf(MessageTooLarge);
    expect(replacement.error.data).toEqual(new MessageTooLarge(bytes, 100_000));
    expect(replacement.error.message).toBe(`a message of ${bytes} bytes is over the limit of 100000 bytes (MCP_UPSTREAM_MAX_MESSAGE_BYTES)`);
    expect(next).toEqual(after);
    expect(oversized).toEqual([{ bytes, limitBytes: 100_000, requestId: 42 }]);
  });

  it('finds the id first (as other SDKs write it), and string ids', () => {
    const { reader: r } = reader(1000);
    const text = `{"jsonrpc":"2.0","id":"req-7","result":{"text":"${big(5000)}"}}`;
    feed(r, `${text}\n`, 300);
    expect(readAll(r)).toMatchObject([{ id: 'req-7', error: { data: { bytes: text.length } } }]);
  });

  it('drops an oversized request or notification with an error the SDK reports, and reads on', () => {
    const { reader: r, oversized } = reader(1000);
    feed(r, line({ method: 'sampling/createMessage', params: { text: big(5000) }, jsonrpc: '2.0', id: 9 }) + line({ jsonrpc: '2.0', id: 1, result: {} }));
    const [dropped, next] = readAll(r);
    expect(dropped).toBeInstanceOf(Error);
    expect((dropped as Error).message).toMatch(/^Dropped a message of \d+ bytes is over the limit of 1000 bytes/);
    expect(next).toEqual({ jsonrpc: '2.0', id: 1, result: {} });
    expect(oversized).toEqual([{ bytes: expect.any(Number), limitBytes: 1000, requestId: undefined }]);
  });

  it('reports a line that is not JSON-RPC and reads on; clear() forgets a partial line', () => {
    const { reader: r } = reader(1000);
    feed(r, 'not json\n{"jsonrpc":"2.0","id":1,"result":{}}\n{"partial":');
    const [bad, good] = readAll(r);
    expect(bad).toBeInstanceOf(Error);
    expect(good).toEqual({ jsonrpc: '2.0', id: 1, result: {} });
    r.clear();
    feed(r, line({ jsonrpc: '2.0', id: 2, result: {} }));
    expect(readAll(r)).toEqual([{ jsonrpc: '2.0', id: 2, result: {} }]);
  });

  it('takes the place of the SDK stdio transport read buffer', () => {
    const transport = new BoundedStdioClientTransport({ command: process.execPath }, 4096, () => undefined);
    expect((transport as unknown as { _readBuffer: unknown })._readBuffer).toBeInstanceOf(BoundedLineReader);
  });
});
