import { SERVER_DEFAULTS, ServerDefinition } from '../servers-config/server-definition';
import { ServerStatus } from '../upstream/server-state';
import { toMcpHubServer } from './mcp-hub-server';

const definition: ServerDefinition = {
  name: 'mem',
  source: 'file',
  transport: { kind: 'stdio', command: 'node', args: [], env: {} },
  disabled: false,
  isolation: 'shared',
  dependsOn: [],
  configSource: '/etc/hub/servers.json',
  ...SERVER_DEFAULTS,
};
const status = (extra: Partial<ServerStatus>): ServerStatus => ({ name: 'mem', state: 'connected', reason: 'connected', since: '2026-11-30T10:00:00.000Z', attempts: [], consecutivePingFailures: 0, ...extra });
const lists = { tools: [{ name: 'read_graph' }], resources: [], resourceTemplates: [], prompts: [] };

describe('toMcpHubServer', () => {
  it('shows a connected server with uptime, lists and where it is configured', () => {
    const server = toMcpHubServer(status({ serverInfo: { name: 'memory', version: '1.0' } }), definition, lists, undefined, Date.parse('2026-11-30T10:01:05.500Z'));
    expect(Object.keys(server)).toEqual(['name', 'displayName', 'description', 'transportType', 'status', 'error', 'capabilities', 'uptime', 'lastStarted', 'authorizationUrl', 'serverInfo', 'config_source']);
    expect(server).toMatchObject({ status: 'connected', uptime: 65, lastStarted: '2026-11-30T10:00:00.000Z', error: null, capabilities: lists, serverInfo: { name: 'memory', version: '1.0' }, config_source: '/etc/hub/servers.json' });
  });

  it('maps the hub states onto mcp-hub\'s five, with the error of a disconnected server', () => {
    expect(toMcpHubServer(status({ state: 'backoff' }), definition, lists).status).toBe('connecting');
    const failed = toMcpHubServer(status({ state: 'failed', lastError: 'spawn x ENOENT' }), definition, lists);
    expect(failed).toMatchObject({ status: 'disconnected', error: 'spawn x ENOENT', uptime: 0, lastStarted: null, capabilities: { tools: [] } });
    const broken = toMcpHubServer(status({ state: 'disabled', reason: 'not started: env.T: environment variable T is not set' }), { ...definition, disabled: true, problems: ['env.T: x'] }, lists);
    expect(broken).toMatchObject({ status: 'disabled', error: 'not started: env.T: environment variable T is not set' });
    expect(toMcpHubServer(status({}), { ...definition, transport: { kind: 'remote', url: 'http://h/mcp', headers: {}, type: 'auto' } }, lists).transportType).toBe('sse');
  });
});
