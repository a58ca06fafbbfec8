import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { freePort } from '../support/free-port';
import { HubApi } from '../support/hub-api';
import { HubProcess, NodeProcess, ROOT, sleep } from '../support/hub-process';
import { EVERYTHING_BIN, MEMORY_BIN } from '../support/mcp-servers';
import { runMcpHubScript } from '../support/mcp-hub-script';
import { mcpHub421 } from '../support/mcp-hub-4';
import { probeServer } from '../support/probe-servers';
import { SseRecorder } from '../support/sse';
import { dropDatabase, freshDatabaseUrl, queryDatabase } from '../support/test-database';

const CLI = 'dist/src/cli/main.js';

async function environmentOf(api: HubApi, server: string): Promise<{ argv: string[]; env: Record<string, string> }> {
  const result = await api.callTool(server, 'environment', {});
  return JSON.parse(result.body.content[0].text);
}

describe('drop-in for mcp-hub users: command line, config dialect, REST, events, workspaces', () => {
  const databaseUrl = freshDatabaseUrl();
  const prefix = `test-mcphub-${process.pid}:`;
  let dir: string;
  let first: string;
  let second: string;
  let devDir: string;
  let hub: HubProcess;
  let api: HubApi;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hub-compat-'));
    devDir = await mkdtemp(join(tmpdir(), 'hub-dev-'));
    first = join(dir, 'global.json');
    second = join(dir, 'project.json');
    await writeFile(
      first,
      `// mcp-hub's format, comments allowed
      { "mcpServers": {
        "ph": ${JSON.stringify(
          probeServer(
            {
              PH_ENV: '${env:PH_FROM_ENV}',
              PH_BARE: '${PH_FROM_ENV}',
              PH_INPUT: '${input:PH_SECRET}',
              PH_WS: '${workspaceFolder}',
              PH_HOME: '${userHome}',
              PH_SEP: 'a${/}b${pathSeparator}c',
              PH_NULL: null,
            } as never,
            { args: [join(ROOT, 'test/support/servers/probe-server.js'), '--root=${workspaceFolder}'], name: 'Placeholder probe' },
          ),
        )},
        "memory": { "command": "${process.execPath}", "args": ["${MEMORY_BIN}"], "disabled": true },
        "cmd-off": ${JSON.stringify(probeServer({ PH_CMD: '${cmd: echo from-command}' }))},
        "unset": ${JSON.stringify(probeServer({ PH_X: '${PH_NEVER_SET}' }))},
      } }`,
    );
    // VS Code's format; its "memory" replaces the first file's
    await writeFile(
      second,
      JSON.stringify({
        servers: {
          memory: { type: 'stdio', command: process.execPath, args: [MEMORY_BIN], env: { MEMORY_FILE_PATH: join(dir, 'second.jsonl') } },
          dev: { ...probeServer({ PROBE_NAME: 'dev' }), dev: { enabled: true, watch: ['**/*.js'], cwd: devDir } },
        },
      }),
    );
    const port = await freePort();
    // PORT in the environment is wrong on purpose: the flag must win
    hub = await HubProcess.launch(
      new HubProcess(
        port,
        { DATABASE_URL: databaseUrl, REDIS_KEY_PREFIX: prefix, PORT: '1', MCP_SERVERS_WATCH: 'false', PH_FROM_ENV: 'from-env', PH_NULL: 'inherited', MCP_HUB_ENV: '{"PH_SECRET":"s3cret"}' },
        CLI,
        ['--port', String(port), '--config', first, '-c', second, '--workspace', dir, '--watch'],
      ),
    );
    api = new HubApi(hub);
  });

  afterAll(async () => {
    await hub?.stop();
    await rm(dir, { recursive: true, force: true });
    await rm(devDir, { recursive: true, force: true });
    await dropDatabase(databaseUrl);
  });

  it('starts from mcp-hub\'s flags: port, two config files merged (the later one wins a name), workspace, watch', async () => {
    const status = (await api.get('/api/servers/config-status')).body;
    expect(status).toMatchObject({ paths: [first, second], watching: true, ok: true });
    const memory = (await api.send('POST', '/api/servers/info', { server_name: 'memory' })).body.server;
    expect(memory.config_source).toBe(second);
    // the first file's entry is disabled; the second's runs
    await api.waitForState('memory', 'connected');
  });

  it('resolves every placeholder form; a null env value comes from the hub; nothing reaches the child literally', async () => {
    await api.waitForState('ph', 'connected');
    const { argv, env } = await environmentOf(api, 'ph');
    expect(env).toEqual({
      PH_ENV: 'from-env',
      PH_BARE: 'from-env',
      PH_INPUT: 's3cret',
      PH_WS: dir,
      PH_HOME: homedir(),
      PH_SEP: `a${sep}b${sep}c`,
      PH_NULL: 'inherited',
    });
    expect(argv).toEqual([`--root=${dir}`]);
    expect(JSON.stringify({ argv, env })).not.toContain('${');
  });

  it('disables only the servers whose entry cannot run: ${cmd:} is off by default, an unset variable names itself', async () => {
    const off = await api.waitForState('cmd-off', 'disabled');
    expect(off.reason).toContain('${cmd: echo from-command} is not run: command placeholders are off; set MCP_HUB_ALLOW_CMD_PLACEHOLDERS=true');
    const unset = await api.waitForState('unset', 'disabled');
    expect(unset.reason).toContain('env.PH_X: environment variable PH_NEVER_SET is not set');
    const problems = (await api.get('/api/servers/config-status')).body.problems;
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(/^mcpServers\.cmd-off\.env\.PH_CMD: /), 'mcpServers.unset.env.PH_X: environment variable PH_NEVER_SET is not set']));
    const info = (await api.send('POST', '/api/servers/info', { server_name: 'unset' })).body.server;
    expect(info).toMatchObject({ status: 'disabled', error: expect.stringContaining('PH_NEVER_SET') });
    expect((await api.server('ph')).state).toBe('connected');
  });

  it('answers mcp-hub\'s routes in its shapes: info, tools, resources, prompts, refresh, errors', async () => {
    await api.waitForState('ph', 'connected');
    const info = (await api.send('POST', '/api/servers/info', { server_name: 'ph' })).body;
    expect(Object.keys(info.server)).toEqual(['name', 'displayName', 'description', 'transportType', 'status', 'error', 'capabilities', 'uptime', 'lastStarted', 'authorizationUrl', 'serverInfo', 'config_source']);
    expect(info.server).toMatchObject({ name: 'ph', displayName: 'Placeholder probe', transportType: 'stdio', status: 'connected', error: null, config_source: first });
    expect(info.server.capabilities.tools.map((t: { name: string }) => t.name)).toContain('echo');
    expect(info.timestamp).toEqual(expect.any(String));

    const called = (await api.send('POST', '/api/servers/tools', { server_name: 'ph', tool: 'echo', arguments: { text: 'hi' } })).body;
    expect(called.result.content[0].text).toContain('hi');
    const resource = (await api.send('POST', '/api/servers/resources', { server_name: 'ph', uri: 'probe://probe/readme' })).body;
    expect(resource.result.contents[0].text).toBe('from probe');
    expect((await api.send('POST', '/api/servers/refresh', { server_name: 'ph' })).body).toMatchObject({ status: 'ok', server: { name: 'ph' } });
    expect((await api.send('POST', '/api/refresh', {})).body.status).toBe('ok');
    expect((await api.get('/api/refresh')).body.servers.map((s: { name: string }) => s.name)).toEqual(expect.arrayContaining(['ph', 'memory']));

    const missing = await api.send('POST', '/api/servers/info', {});
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ error: expect.any(String), code: 'VALIDATION_FAILED', data: { field: 'server_name' }, timestamp: expect.any(String) });
    const unknown = await api.send('POST', '/api/servers/info', { server_name: 'nope' });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error: expect.stringContaining('nope'), code: 'SERVER_NOT_FOUND', timestamp: expect.any(String) });
  });

  it('stop with disable=true keeps a file server off, written to its file; start enables it again', async () => {
    await api.waitForState('memory', 'connected');
    const events = new SseRecorder();
    await events.open(hub.url('/api/events?format=mcp-hub'));
    const stopped = (await api.send('POST', '/api/servers/stop?disable=true', { server_name: 'memory' })).body;
    expect(stopped).toMatchObject({ status: 'ok', server: { status: 'disabled' } });
    expect(JSON.parse(await readFile(second, 'utf8')).servers.memory.disabled).toBe(true);
    expect(await readFile(first, 'utf8')).toContain('// mcp-hub\'s format, comments allowed');

    expect(events.messages[0]).toMatchObject({ event: 'hub_state', data: { state: 'ready', server_id: 'mcp-hub', port: hub.port, timestamp: expect.any(String) } });
    await events.waitFor((m) => m.event === 'subscription_event' && m.data.type === 'servers_updated' && JSON.stringify(m.data.changes).includes('memory'));
    await events.close();

    const started = (await api.send('POST', '/api/servers/start', { server_name: 'memory' })).body;
    expect(started.status).toBe('ok');
    expect(JSON.parse(await readFile(second, 'utf8')).servers.memory.disabled).toBeUndefined();
    await api.waitForState('memory', 'connected');

    // the hub's own route does the same for a file server: only "disabled" may change
    expect((await api.send('PATCH', '/api/servers/memory', { disabled: true })).body.state).toBe('disabled');
    expect(JSON.parse(await readFile(second, 'utf8')).servers.memory.disabled).toBe(true);
    expect((await api.send('PATCH', '/api/servers/memory', { disabled: false })).status).toBe(200);
    await api.waitForState('memory', 'connected');
  });

  it('serves a legacy SSE client on /mcp, as mcp-hub does', async () => {
    const client = new Client({ name: 'legacy', version: '1.0.0' });
    await client.connect(new SSEClientTransport(new URL(hub.url('/mcp'))));
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('ph__echo');
    await client.close();
  });

  it('reports the hub in health (a compat key, or mcp-hub\'s body) and lists live and dead workspaces', async () => {
    const health = (await api.get('/api/health')).body;
    expect(health.mcpHub).toMatchObject({ server_id: 'mcp-hub', state: expect.stringMatching(/^(ready|starting)$/), connections: { totalConnections: expect.any(Number) } });
    // the route is public: counts, never names, errors or paths
    expect(health.mcpHub.servers).toMatchObject({ total: 5, disabled: 2 });
    expect(JSON.stringify(health.mcpHub)).not.toContain('PH_NEVER_SET');
    const full = (await api.get('/api/health?format=mcp-hub')).body;
    expect(full.servers.find((s: { name: string }) => s.name === 'ph').capabilities.tools.length).toBeGreaterThan(0);
    expect((await api.get('/api/health?format=nope')).status).toBe(400);

    await queryDatabase(
      databaseUrl,
      `INSERT INTO mcp_hub.hub_instances (id, role, hostname, pid, version, started_at, port, workspace, config_files, last_seen_at)
       VALUES ('00000000-0000-7000-8000-000000000001', 'api', 'elsewhere', 4242, '0.0.1', now() - interval '1 hour', 4999, '/old', '[]', now() - interval '10 minutes')`,
    );
    const { workspaces } = (await api.get('/api/workspaces')).body;
    expect(workspaces[String(hub.port)]).toMatchObject({ cwd: dir, config_files: [first, second], pid: hub.pid, port: hub.port, state: 'active', current: true });
    expect(workspaces['4999']).toMatchObject({ cwd: '/old', state: 'dead', current: false });
    const cli = new NodeProcess(CLI, { HUB_URL: hub.url('') }, ['workspaces']);
    expect((await cli.exited).code).toBe(0);
    expect(cli.stdout.find((line) => line.includes(`${hub.port} *`))).toMatch(/active/);
    expect(cli.stdout.find((line) => line.includes('4999'))).toMatch(/dead/);
  });

  it('dev mode restarts a stdio server when a watched file under its folder changes', async () => {
    const before = await api.waitForState('dev', 'connected');
    await writeFile(join(devDir, 'ignored.txt'), 'not watched');
    await writeFile(join(devDir, 'index.js'), '// changed');
    const after = await api.waitForServer('dev', (s) => s.state === 'connected' && s.pid !== before.pid);
    expect(after.pid).not.toBe(before.pid);
    await hub.waitForLog((l) => l.msg?.includes('dev mode: index.js changed'));
  });
});

describe('mcp-hub command line: npm start flags, ${cmd:} when allowed, --auto-shutdown, unknown flags', () => {
  const databaseUrl = freshDatabaseUrl();
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hub-cli-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await dropDatabase(databaseUrl);
  });

  it('refuses an unknown flag, listing the valid ones, from the CLI and from npm start', async () => {
    for (const script of [CLI, 'dist/src/main.js']) {
      const run = new NodeProcess(script, {}, ['--port', '4000', '--bogus']);
      expect((await run.exited).code).toBe(2);
      expect(run.output).toContain("unknown option '--bogus'");
      expect(run.output).toMatch(/--config <path>[\s\S]*--auto-shutdown[\s\S]*--shutdown-delay <ms>/);
    }
  });

  it('runs ${cmd:} placeholders when allowed, disables a server whose command fails, and stops with no client after the delay (exit 0)', async () => {
    const file = join(dir, 'servers.json');
    await writeFile(file, JSON.stringify({ mcpServers: { ok: probeServer({ PH_CMD: '${cmd: echo from-command}' }), bad: probeServer({ PH_CMD: '${cmd: exit 3}' }) } }));
    const port = await freePort();
    const hub = await HubProcess.launch(
      new HubProcess(port, { DATABASE_URL: databaseUrl, REDIS_KEY_PREFIX: `test-cli-${process.pid}:`, MCP_HUB_ALLOW_CMD_PLACEHOLDERS: 'true' }, 'dist/src/main.js', [
        '--port',
        String(port),
        '--config',
        file,
        '--auto-shutdown',
        '--shutdown-delay',
        '3000',
      ]),
    );
    try {
      const api = new HubApi(hub);
      // an open event stream is a client: the hub stays up while the test looks
      const events = new SseRecorder();
      await events.open(hub.url('/api/events'));
      await api.waitForState('ok', 'connected');
      expect((await environmentOf(api, 'ok')).env).toEqual({ PH_CMD: 'from-command' });
      expect((await api.waitForState('bad', 'disabled')).reason).toContain('${cmd: exit 3} failed: exit code 3');
      await sleep(3500);
      expect(hub.logs.some((l) => l.context === 'AutoShutdown' && l.msg.startsWith('No client'))).toBe(false);

      await events.close();
      const closedAt = Date.now();
      const exit = await hub.exited;
      expect(exit.code).toBe(0);
      expect(Date.now() - closedAt).toBeGreaterThanOrEqual(2500);
      expect(hub.logs.some((l) => l.context === 'AutoShutdown' && l.msg === 'No client for 3000 ms: stopping')).toBe(true);
    } finally {
      await hub.stop();
    }
  });
});

describe('a script written against mcp-hub 4.2.1\'s REST API', () => {
  const databaseUrl = freshDatabaseUrl();
  let dir: string;
  let mcpHub: HubProcess;
  let hub: HubProcess;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hub-script-'));
    const file = join(dir, 'servers.json');
    await writeFile(file, JSON.stringify({ mcpServers: { everything: { command: process.execPath, args: [EVERYTHING_BIN] } } }));
    const port = await freePort();
    // mcp-hub 4.2.1 itself; it writes its state under HOME
    const theirs = relative(ROOT, await mcpHub421());
    mcpHub = new HubProcess(port, { HOME: dir, XDG_STATE_HOME: join(dir, 'state'), XDG_DATA_HOME: join(dir, 'data') }, theirs, ['--port', String(port), '--config', file]);
    hub = await HubProcess.start({ DATABASE_URL: databaseUrl, REDIS_KEY_PREFIX: `test-script-${process.pid}:`, MCP_SERVERS_CONFIG: file });
  });

  afterAll(async () => {
    await mcpHub?.stop();
    await hub?.stop();
    await rm(dir, { recursive: true, force: true });
    await dropDatabase(databaseUrl);
  });

  it('runs unchanged against mcp-hub and against this hub, printing the same', async () => {
    const tool = { name: 'echo', arguments: { message: 'same answer' } };
    const theirs = await runMcpHubScript(mcpHub.url(''), 'everything', tool);
    const ours = await runMcpHubScript(hub.url(''), 'everything', tool);
    expect(ours).toEqual(theirs);
    expect(ours.called.content).toEqual([{ type: 'text', text: 'Echo: same answer' }]);
  });
});
