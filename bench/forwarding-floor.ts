import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { EVERYTHING_BIN } from '../test/support/mcp-servers';

/**
 * The least any HTTP hub must do, as a reference for bench/gateway.ts: JSON-RPC messages POSTed over
 * HTTP are written as JSON lines to server-everything over stdio and its answers returned as JSON —
 * no sessions, no validation, no names, no telemetry. What this adds to a direct stdio call is the
 * price of the extra process and the HTTP hop on this machine. Prints `ready <port>` when listening.
 */
const upstream = spawn(process.execPath, [EVERYTHING_BIN], { stdio: ['pipe', 'pipe', 'ignore'] });
type Message = { id?: string | number };
const waiting = new Map<number, (answer: Message) => void>();
let nextId = 1;
let buffered = '';
upstream.stdout.setEncoding('utf8');
upstream.stdout.on('data', (chunk: string) => {
  buffered += chunk;
  for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
    const answer = JSON.parse(buffered.slice(0, end)) as Message;
    buffered = buffered.slice(end + 1);
    const reply = typeof answer.id === 'number' ? waiting.get(answer.id) : undefined;
    if (reply) {
      waiting.delete(answer.id as number);
      reply(answer);
    }
  }
});

// ids are rewritten on the way up and back, since many clients share the one upstream connection
const server = createServer((req, res) => {
  if (req.method !== 'POST') return void res.writeHead(405).end();
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const message = JSON.parse(Buffer.concat(chunks).toString()) as Message;
    if (message.id === undefined) {
      upstream.stdin.write(`${JSON.stringify(message)}\n`);
      return void res.writeHead(202).end();
    }
    const clientId = message.id;
    const id = nextId++;
    waiting.set(id, (answer) => {
      const body = JSON.stringify({ ...answer, id: clientId });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'mcp-session-id': 'floor' }).end(body);
    });
    upstream.stdin.write(`${JSON.stringify({ ...message, id })}\n`);
  });
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  console.log(`ready ${typeof address === 'object' && address ? address.port : ''}`);
});
process.on('SIGTERM', () => {
  upstream.kill();
  server.close(() => process.exit(0));
});
