import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { loadNodeModel } from '../src/ml/adapters/node/node-models';
import { Preprocessor } from '../src/ml/adapters/node/preprocessing';

/**
 * The serving floor for a Node model, as a reference for bench/inference.ts: an HTTP server that
 * parses {"instances": [row]}, runs the model's predict (the same mljs load and preprocessing the
 * hub uses) and answers — no validation, no batching, no events. Prints `ready <port>`.
 * Usage: inference-floor.ts <model.json>
 */
const file = JSON.parse(readFileSync(process.argv[2], 'utf8')) as { algorithm: string; task: 'classification'; classes: string[]; features: { name: string }[]; preprocessing: { features: never[] }; model: unknown };
const preprocessor = Preprocessor.load(file.preprocessing);
const model = loadNodeModel(file.algorithm, file.task, file.model);
const names = file.features.map((f) => f.name);

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const { instances } = JSON.parse(Buffer.concat(chunks).toString()) as { instances: Record<string, number>[] };
    const x = preprocessor.transform(instances.map((row) => names.map((n) => row[n])));
    const body = JSON.stringify({ predictions: model.predict(x).map((i) => file.classes[i]) });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(`ready ${typeof address === 'object' && address ? address.port : ''}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
