import type { ChildProcess } from 'node:child_process';
import type { Writable } from 'node:stream';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { BoundedStdioClientTransport } from './bounded-stdio-transport';

// a real child that answers every line it reads, so what was written is seen arriving whole
const ECHO_SERVER = `process.stdin.setEncoding('utf8');let b='';process.stdin.on('data',(c)=>{b+=c;let i;while((i=b.indexOf('\\n'))>=0){const m=JSON.parse(b.slice(0,i));b=b.slice(i+1);process.stdout.write(JSON.stringify({jsonrpc:'2.0',id:m.id,result:{}})+'\\n')}})`;

const request = (id: number): JSONRPCMessage => ({ jsonrpc: '2.0', id, method: 'ping' });

describe('BoundedStdioClientTransport writes', () => {
  let transport: BoundedStdioClientTransport;
  const received: JSONRPCMessage[] = [];
  let writes: number[];

  beforeEach(async () => {
    received.length = 0;
    writes = [];
    transport = new BoundedStdioClientTransport({ command: process.execPath, args: ['-e', ECHO_SERVER] }, 4096, () => undefined);
    transport.onmessage = (message) => received.push(message);
    await transport.start();
    // count the pipe's system-call-level writes: one _writev per corked batch, one _write per lone message
    const stdin = (transport as unknown as { _process: ChildProcess })._process.stdin as Writable & Required<Pick<Writable, '_write' | '_writev'>>;
    const [write, writev] = [stdin._write.bind(stdin), stdin._writev.bind(stdin)];
    stdin._write = (chunk, encoding, callback) => (writes.push(1), write(chunk, encoding, callback));
    stdin._writev = (chunks, callback) => (writes.push(chunks.length), writev(chunks, callback));
  });

  afterEach(async () => {
    await transport.close();
  });

  const answered = async (count: number) => {
    for (let i = 0; i < 200 && received.length < count; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    return received.map((m) => (m as { id: number }).id);
  };

  it('sends the messages of one event-loop turn in one write, in order', async () => {
    await Promise.all(Array.from({ length: 10 }, (_, i) => transport.send(request(i))));
    expect(await answered(10)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(writes).toEqual([10]);
  });

  it('sends a message of a later turn on its own, without waiting for more', async () => {
    await transport.send(request(1));
    expect(await answered(1)).toEqual([1]);
    await new Promise((resolve) => setImmediate(resolve));
    await transport.send(request(2));
    expect(await answered(2)).toEqual([1, 2]);
    expect(writes).toEqual([1, 1]);
  });
});
