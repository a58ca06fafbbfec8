import { Command } from 'commander';
import { printTable } from './cli-output';
import { HubClient } from './hub-client';
import { number } from './option-parsers';

interface ServerState {
  name: string;
  state: string;
  reason: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `mcp-hub servers`: the upstream servers of a running hub, and OAuth authorization of remote ones. */
export function serversCommand(client: HubClient): Command {
  const servers = new Command('servers').description('Upstream MCP servers of a running hub');

  servers
    .command('list')
    .description('Every server with its state')
    .action(async () => {
      const { servers: list } = await client.request<{ servers: ServerState[] }>('GET', '/servers');
      printTable(['server', 'state', 'reason'], list.map((s) => [s.name, s.state, s.reason]));
    });

  servers
    .command('authorize <name>')
    .description('Print the URL that authorizes the hub at a remote server (OAuth 2.1), then wait until the server is connected')
    .option('--timeout <seconds>', 'how long to wait for the authorization', number, 600)
    .action(async (name: string, options: { timeout: number }) => {
      const { authorizationUrl } = await client.request<{ authorizationUrl: string }>('GET', `/servers/${encodeURIComponent(name)}/authorize`);
      process.stdout.write(`${authorizationUrl}\n`);
      process.stderr.write(`Open the URL above in a browser and approve; waiting for ${name} to connect (Ctrl-C stops waiting)`);
      const deadline = Date.now() + options.timeout * 1000;
      for (;;) {
        const server = await client.request<ServerState>('GET', `/servers/${encodeURIComponent(name)}`);
        if (server.state === 'connected') {
          process.stderr.write(`\n${name} is authorized and connected\n`);
          return;
        }
        if (Date.now() > deadline) throw new Error(`${name} was not authorized within ${options.timeout} s (state ${server.state}: ${server.reason}); run the command again`);
        process.stderr.write('.');
        await sleep(1000);
      }
    });
  return servers;
}

interface Workspace {
  port: number | null;
  state: string;
  pid: number;
  hostname: string;
  cwd: string | null;
  config_files: string[];
  startTime: string;
  current: boolean;
}

/** `mcp-hub workspaces`: the hubs that share this hub's database, live and dead. */
export function workspacesCommand(client: HubClient): Command {
  return new Command('workspaces').description('Running hubs (registered in PostgreSQL): port, state, workspace, config files; a hub that stopped answering is "dead"').action(async () => {
    const { workspaces } = await client.request<{ workspaces: Record<string, Workspace> }>('GET', '/workspaces');
    printTable(
      ['port', 'state', 'pid', 'host', 'workspace', 'config files', 'started'],
      Object.values(workspaces).map((w) => [`${w.port ?? ''}${w.current ? ' *' : ''}`, w.state, w.pid, w.hostname, w.cwd, w.config_files.join(', '), w.startTime]),
    );
  });
}
