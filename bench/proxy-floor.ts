import { Agent, createServer, request } from 'node:http';

/**
 * The least a forwarding hop can cost: a Node HTTP server that passes every request to one target
 * (argv[2], e.g. http://127.0.0.1:3456) on kept-alive connections and streams the answer back, with
 * no parsing, lookup or checks. bench/scale.ts measures it beside a replica forwarding to the owner
 * of a session. Prints `ready <port>` once it listens.
 */
const target = new URL(process.argv[2]);
const agent = new Agent({ keepAlive: true });

const server = createServer((req, res) => {
  const outgoing = request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers, agent }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  outgoing.on('error', () => res.writeHead(502).end());
  req.pipe(outgoing);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(`ready ${typeof address === 'object' && address ? address.port : 0}`);
});
