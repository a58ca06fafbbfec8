import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResult, CreateTaskResultSchema, ListTasksResultSchema, Progress } from '@modelcontextprotocol/sdk/types.js';
import { AskingClient } from '../support/asking-client';
import { HubFixture } from '../support/hub-fixture';
import { ROOT, sleep } from '../support/hub-process';
import { EVERYTHING_BIN, processAlive } from '../support/mcp-servers';
import { PROBE_BIN, ProbeHttpServer, probeServer } from '../support/probe-servers';

const text = (result: unknown) => ((result as CallToolResult).content[0] as { text: string }).text;
const json = (result: unknown) => JSON.parse(text(result));

async function eventually(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (check()) return;
    await sleep(20);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A promise the test resolves later, for holding a client's answer. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

const ENDPOINTS = ['/mcp', '/mcp/servers/everything', '/sse', 'stdio bridge'] as const;
type Endpoint = (typeof ENDPOINTS)[number];

describe('server→client requests and session isolation through the hub', () => {
  let fixture: HubFixture;
  let remote: ProbeHttpServer;
  let full: ProbeHttpServer;
  const clients: Client[] = [];

  async function connect(client: Client, endpoint: Endpoint | string): Promise<Client> {
    const hub = fixture.hub;
    const transport =
      endpoint === '/sse'
        ? new SSEClientTransport(new URL(hub.url('/sse')))
        : endpoint === 'stdio bridge'
          ? new StdioClientTransport({ command: process.execPath, args: [join(ROOT, 'dist/src/cli/main.js'), 'stdio', '--url', hub.url('/mcp')], stderr: 'ignore' })
          : new StreamableHTTPClientTransport(new URL(hub.url(endpoint)));
    await client.connect(transport);
    clients.push(client);
    return client;
  }

  beforeAll(async () => {
    remote = await ProbeHttpServer.started({ PROBE_NAME: 'remote' });
    // takes the hub's shared connection and no more
    full = await ProbeHttpServer.started({ PROBE_NAME: 'full', PROBE_MAX_SESSIONS: '1' });
    fixture = await HubFixture.start(
      'client-requests',
      {
        mcpServers: {
          // its own process per client session: server-everything keeps one roots list per process
          everything: { command: process.execPath, args: [EVERYTHING_BIN], isolation: 'per-session' },
          shared_everything: { command: process.execPath, args: [EVERYTHING_BIN] },
          probe: probeServer({ PROBE_NAME: 'probe' }),
          solo: probeServer({ PROBE_NAME: 'solo' }, { isolation: 'per-session' }),
          remote: { url: remote.url, type: 'streamable-http' },
          full: { url: full.url, type: 'streamable-http' },
        },
        profiles: { remote_only: { servers: ['remote'] } },
      },
      { ready: ['everything', 'shared_everything', 'probe', 'solo', 'remote', 'full'] },
    );
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await fixture?.stop();
    await remote?.stop();
    await full?.stop();
  });

  describe.each(ENDPOINTS)('server-everything through %s', (endpoint) => {
    const name = (tool: string) => (endpoint === '/mcp/servers/everything' ? tool : `everything__${tool}`);

    it('lists its 17 tools and round-trips sampling, form and URL elicitation (accept, decline, cancel) and roots with the client', async () => {
      const label = endpoint.replace(/\W+/g, '-');
      const client = await connect(new AskingClient({ label, elicitation: ['accept', 'decline', 'cancel'] }), endpoint);
      const everything = (await client.listTools()).tools.map((t) => t.name).filter((n) => endpoint === '/mcp/servers/everything' || n.startsWith('everything__'));
      expect(everything).toHaveLength(17);
      expect(everything).toEqual(expect.arrayContaining(['trigger-sampling-request', 'trigger-elicitation-request', 'get-roots-list', 'trigger-url-elicitation'].map(name)));

      expect(text(await client.callTool({ name: name('trigger-sampling-request'), arguments: { prompt: 'Say hi' } }))).toContain(`sampled by ${label}`);
      const accepted = text(await client.callTool({ name: name('trigger-elicitation-request'), arguments: {} }));
      expect(accepted).toContain('User provided the requested information');
      expect(JSON.stringify(await client.callTool({ name: name('trigger-elicitation-request'), arguments: {} }))).toContain('User declined');
      expect(JSON.stringify(await client.callTool({ name: name('trigger-elicitation-request'), arguments: {} }))).toMatch(/cancel/i);
      expect(text(await client.callTool({ name: name('trigger-url-elicitation'), arguments: { url: 'https://example.com/consent' } }))).toContain('User completed the URL elicitation flow');
      expect(JSON.stringify(await client.callTool({ name: name('get-roots-list'), arguments: {} }))).toContain(`file:///work/${label}`);
      expect((client as AskingClient).asked).toEqual(expect.arrayContaining(['sampling/createMessage', 'elicitation/create:form', 'elicitation/create:url', 'roots/list']));
    });
  });

  describe('a shared stdio connection', () => {
    it('asks the one client session waiting on the server, and refuses clearly when two wait', async () => {
      const held = gate();
      const a = await connect(new AskingClient({ label: 'A', hold: () => held.opened }), '/mcp');
      const b = await connect(new AskingClient({ label: 'B' }), '/mcp');
      expect(text(await b.callTool({ name: 'probe__ask-sampling', arguments: { prompt: 'p' } }))).toContain('sampled by B');

      const aCall = a.callTool({ name: 'probe__ask-elicitation', arguments: { message: 'Who are you?' } });
      await eventually(() => (a as AskingClient).asked.length > 0, 'A to be asked');
      await expect(b.callTool({ name: 'probe__ask-sampling', arguments: { prompt: 'p' } })).rejects.toThrow(
        /MCP Hub cannot tell which client should answer sampling\/createMessage: 2 callers \(client sessions, REST calls\) have requests in flight to "probe".*"isolation": "per-session"/,
      );
      held.open();
      expect(json(await aCall)).toEqual({ elicited: { action: 'accept', content: { name: 'A' } } });
    });

    it("passes a client's refusal back as a direct connection would", async () => {
      const bare = await connect(new AskingClient({ label: 'bare', capabilities: {} }), '/mcp/servers/probe');
      const direct = new AskingClient({ label: 'bare', capabilities: {} });
      await direct.connect(new StdioClientTransport({ command: process.execPath, args: [PROBE_BIN], stderr: 'ignore' }));
      clients.push(direct);
      const directError = await direct.callTool({ name: 'ask-roots', arguments: {} }).catch((error: Error) => error.message);
      expect(directError).toMatch(/-32601.*Method not found/);
      await expect(bare.callTool({ name: 'ask-roots', arguments: {} })).rejects.toThrow(directError as string);
    });

    it('gives each client only its own progress', async () => {
      const [a, b] = [await connect(new Client({ name: 'a', version: '1' }), '/mcp'), await connect(new Client({ name: 'b', version: '1' }), '/mcp')];
      const seen: Record<string, Progress[]> = { a: [], b: [] };
      await Promise.all([
        a.callTool({ name: 'probe__progress', arguments: { steps: 3 } }, undefined, { onprogress: (p) => seen.a.push(p) }),
        b.callTool({ name: 'probe__progress', arguments: { steps: 5 } }, undefined, { onprogress: (p) => seen.b.push(p) }),
      ]);
      await eventually(() => seen.a.length === 3 && seen.b.length === 5, 'progress');
      expect(seen.a.every((p) => p.total === 3)).toBe(true);
      expect(seen.b.every((p) => p.total === 5)).toBe(true);
    });
  });

  describe('isolation per-session (solo over stdio, remote over Streamable HTTP)', () => {
    it('gives each client session its own upstream session, started with its clientInfo and capabilities, closed with it', async () => {
      const a = await connect(new AskingClient({ label: 'A' }), '/mcp');
      const b = await connect(new AskingClient({ label: 'B', capabilities: {} }), '/mcp');
      const [whoA, whoB] = [json(await a.callTool({ name: 'solo__whoami', arguments: {} })), json(await b.callTool({ name: 'solo__whoami', arguments: {} }))];
      expect(whoA.pid).not.toBe(whoB.pid);
      expect(whoA.client).toMatchObject({ name: 'client-A' });
      expect(whoB).toMatchObject({ client: { name: 'client-B' }, capabilities: {} });
      const [remoteA, remoteB] = [json(await a.callTool({ name: 'remote__whoami', arguments: {} })), json(await b.callTool({ name: 'remote__whoami', arguments: {} }))];
      expect(remoteA.session).not.toBe(remoteB.session);
      // tool calls go out on the hub's own lane beside the SDK client (direct-requests.ts), on a session's own upstream session too
      const shared = json(await a.callTool({ name: 'probe__whoami', arguments: {} }));
      expect([whoA.request, remoteA.request, shared.request]).toEqual(Array(3).fill(expect.stringMatching(/^hub-\d+$/)));

      const [sampledA, sampledB] = await Promise.allSettled([
        a.callTool({ name: 'solo__ask-sampling', arguments: { prompt: 'p' } }),
        b.callTool({ name: 'solo__ask-sampling', arguments: { prompt: 'p' } }),
      ]);
      expect(sampledA.status === 'fulfilled' && text(sampledA.value)).toContain('sampled by A');
      // B's upstream session declares no sampling, so it answers as B would: no such method
      expect(sampledB.status === 'rejected' && String(sampledB.reason)).toMatch(/-32601.*Method not found/);
      expect((b as AskingClient).asked).toEqual([]);
      expect(JSON.stringify(await a.callTool({ name: 'remote__ask-roots', arguments: {} }))).toContain('file:///work/A');

      await (a.transport as StreamableHTTPClientTransport).terminateSession();
      await eventually(() => !processAlive(whoA.pid), "A's own solo process to exit");
      expect(processAlive(whoB.pid)).toBe(true);
    });

    it('answers a call whose own upstream session cannot start with 502 UPSTREAM_SESSION_FAILED, and goes on serving', async () => {
      const client = await connect(new AskingClient({ label: 'F' }), '/mcp');
      await expect(client.callTool({ name: 'full__whoami', arguments: {} })).rejects.toThrow(/"full" \(isolation per-session\) could not start a session for this client/);
      await expect(client.callTool({ name: 'full__whoami', arguments: {} })).rejects.toThrow(/could not start a session/);
      expect(json(await client.callTool({ name: 'solo__whoami', arguments: {} })).client).toMatchObject({ name: 'client-F' });
      expect((await fixture.api.get('/api/servers/full')).body).toMatchObject({ state: 'connected' });
    });

    it("sends each session only its own requests' log messages, above the level it set", async () => {
      for (const server of ['solo', 'remote']) {
        const a = await connect(new AskingClient({ label: 'A' }), '/mcp');
        const b = await connect(new AskingClient({ label: 'B' }), `/mcp/servers/${server}`);
        await a.setLoggingLevel('warning');
        await Promise.all([
          a.callTool({ name: `${server}__log`, arguments: { text: 'from A', levels: ['info', 'warning', 'error'] } }),
          b.callTool({ name: 'log', arguments: { text: 'from B', levels: ['debug', 'error'] } }),
        ]);
        const data = (c: Client) => (c as AskingClient).logs.map((l) => l.data);
        await eventually(() => data(a).length === 2 && data(b).length === 2, 'log messages');
        expect(data(a)).toEqual(['from A (warning)', 'from A (error)']);
        expect((a as AskingClient).logs[0].logger).toBe(`${server}/${server}`);
        expect(data(b)).toEqual(['from B (debug)', 'from B (error)']);
      }
    });
  });

  describe('notifications of a shared connection', () => {
    it('goes to the session waiting when there is one, else to every session that sees the server and never to a profile without it', async () => {
      const held = gate();
      const a = await connect(new AskingClient({ label: 'A' }), '/mcp');
      const waiting = await connect(new AskingClient({ label: 'W', hold: () => held.opened }), '/mcp');
      const idle = await connect(new AskingClient({ label: 'I' }), '/mcp/servers/probe');
      const outside = await connect(new AskingClient({ label: 'P' }), '/mcp/profiles/remote_only');
      const data = (c: Client) => (c as AskingClient).logs.map((l) => l.data);

      await a.callTool({ name: 'probe__log', arguments: { text: 'only A', levels: ['info'] } });
      await eventually(() => data(a).length === 1, "A's log");
      const pending = waiting.callTool({ name: 'probe__ask-elicitation', arguments: { message: 'hold' } });
      await eventually(() => (waiting as AskingClient).asked.length > 0, 'W to be asked');
      await a.callTool({ name: 'probe__log', arguments: { text: 'nobody knows whose', levels: ['info'] } });
      await eventually(() => data(idle).length === 1 && data(waiting).length === 1, 'the log of unknown owner');
      held.open();
      await pending;
      await sleep(100);
      expect(data(a)).toEqual(['only A (info)', 'nobody knows whose (info)']);
      expect(data(idle)).toEqual(['nobody knows whose (info)']);
      expect(data(outside)).toEqual([]);
    });

    it('sends resource updates only to subscribers and subscribes upstream once for all of them', async () => {
      const a = await connect(new AskingClient({ label: 'A' }), '/mcp/servers/probe');
      const b = await connect(new AskingClient({ label: 'B' }), '/mcp/servers/probe');
      const c = await connect(new AskingClient({ label: 'C' }), '/mcp');
      expect(c.getServerCapabilities()?.resources).toMatchObject({ subscribe: true });
      const uri = 'probe://probe/readme';
      await a.subscribeResource({ uri });
      await b.subscribeResource({ uri });
      await c.subscribeResource({ uri });
      await b.unsubscribeResource({ uri });
      await a.callTool({ name: 'touch', arguments: {} });
      const updates = (x: Client) => (x as AskingClient).updates;
      await eventually(() => updates(a).length === 1 && updates(c).length === 1, 'the update');
      expect(json(await a.callTool({ name: 'whoami', arguments: {} })).subscriptions).toEqual([uri]);

      // a new process knows no subscriptions: the hub subscribes again for the sessions that follow the resource
      const { pid } = json(await a.callTool({ name: 'whoami', arguments: {} }));
      expect((await fixture.api.send('POST', '/api/servers/probe/restart')).status).toBe(200);
      await fixture.api.waitForServer('probe', (s) => s.state === 'connected' && s.pid !== pid);
      let again: { subscriptions: string[] } | undefined;
      for (let i = 0; i < 50 && again?.subscriptions.length !== 1; i++) {
        again = json(await c.callTool({ name: 'probe__whoami', arguments: {} }));
        if (again?.subscriptions.length !== 1) await sleep(20);
      }
      expect(again!.subscriptions).toEqual([uri]);
      await c.callTool({ name: 'probe__touch', arguments: {} });
      await eventually(() => updates(a).length === 2 && updates(c).length === 2, 'the update after the restart');

      await a.unsubscribeResource({ uri });
      await c.unsubscribeResource({ uri });
      expect(json(await a.callTool({ name: 'whoami', arguments: {} })).subscriptions).toEqual([]);
      await sleep(100);
      expect(updates(b)).toEqual([]);
    });

    it("keeps a session's tasks its own", async () => {
      const a = await connect(new Client({ name: 'a', version: '1' }), '/mcp/servers/shared_everything');
      const b = await connect(new Client({ name: 'b', version: '1' }), '/mcp/servers/shared_everything');
      const created = await a.request({ method: 'tools/call', params: { name: 'simulate-research-query', arguments: { topic: 'isolation' }, task: { ttl: 60_000 } } }, CreateTaskResultSchema);
      const taskId = created.task.taskId;
      expect((await a.request({ method: 'tasks/list', params: {} }, ListTasksResultSchema)).tasks.map((t) => t.taskId)).toContain(taskId);
      expect((await b.request({ method: 'tasks/list', params: {} }, ListTasksResultSchema)).tasks.map((t) => t.taskId)).not.toContain(taskId);
      await expect(b.experimental.tasks.getTask(taskId)).rejects.toThrow(/Failed to retrieve task: Task not found/);
      await expect(b.experimental.tasks.cancelTask(taskId)).rejects.toThrow(`Task not found: ${taskId}`);
      expect((await a.experimental.tasks.getTask(taskId)).taskId).toBe(taskId);
    });
  });
});
