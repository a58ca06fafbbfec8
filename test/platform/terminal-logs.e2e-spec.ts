import { ChildProcess, spawn } from 'node:child_process';
import { freePort } from '../support/free-port';
import { ROOT, sleep } from '../support/hub-process';
import { dropDatabase, freshDatabaseUrl } from '../support/test-database';

/** `npm start` in a terminal: a person reads the logs, so they are pretty unless LOG_FORMAT says otherwise. */
describe('logs on a terminal', () => {
  const databaseUrl = freshDatabaseUrl();
  let child: ChildProcess | undefined;

  afterEach(() => child?.kill('SIGKILL'));
  afterAll(() => dropDatabase(databaseUrl));

  const startUnderTerminal = async (extra: Record<string, string>): Promise<string> => {
    const port = await freePort();
    // script(1) gives the hub a pseudo-terminal as stdout
    child = spawn('script', ['-qfec', `${JSON.stringify(process.execPath)} dist/src/main.js`, '/dev/null'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', HOST: '127.0.0.1', PORT: String(port), DATABASE_URL: databaseUrl, REDIS_KEY_PREFIX: `test-tty-${process.pid}:`, MCP_SERVERS_CONFIG: '/nonexistent/servers.json', ...extra },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    for (let i = 0; i < 300 && !output.includes('MCP Hub ready'); i++) await sleep(100);
    child.kill('SIGKILL');
    return output;
  };

  it('prints readable lines, not JSON, when stdout is a terminal', async () => {
    const output = await startUnderTerminal({});
    const ready = output.split(/\r?\n/).find((line) => line.includes('MCP Hub ready'));
    expect(ready).toBeDefined();
    expect(ready!.trim().startsWith('{')).toBe(false);
  });

  it('prints JSON on a terminal when LOG_FORMAT=json', async () => {
    const output = await startUnderTerminal({ LOG_FORMAT: 'json' });
    const ready = output.split(/\r?\n/).find((line) => line.includes('MCP Hub ready'));
    expect(JSON.parse(ready!.trim())).toMatchObject({ msg: expect.stringContaining('MCP Hub ready') });
  });
});
