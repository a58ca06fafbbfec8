#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander';
import { HUB_VERSION } from '../platform/version';
import { runStdioBridge } from './stdio-bridge';
import { datasetsCommand } from './datasets.command';
import { HubClient, HubRequestError } from './hub-client';
import { trainCommand } from './train.command';
import { modelsCommand } from './models.command';
import { experimentsCommand, runsCommand } from './experiments.command';
import { predictCommand } from './predict.command';
import { batchCommand } from './batch.command';
import { abCommand } from './ab.command';
import { serversCommand, workspacesCommand } from './servers.command';
import { featuresCommand } from './features.command';
import { hpoCommand } from './hpo.command';
import { explainCommand } from './explain.command';
import { driftCommand } from './drift.command';
import { ServeFlags, serveFlagsToEnv, withServeFlags } from '../platform/boot/serve-flags';

function header(value: string, previous: Record<string, string>): Record<string, string> {
  const index = value.indexOf(':');
  if (index <= 0) throw new InvalidArgumentError('expected "Name: value", e.g. "Authorization: Bearer mcphub_..."');
  return { ...previous, [value.slice(0, index).trim()]: value.slice(index + 1).trim() };
}

const program = new Command()
  .name('mcp-hub')
  .description('Command line of MCP Hub: `serve` (the default) starts the hub; the other commands talk to a running hub over HTTP.')
  .version(HUB_VERSION);

program
  .command('stdio')
  .description('Serve the hub over stdio, for desktop MCP clients that launch a command (messages go to the hub over Streamable HTTP)')
  .option('--url <url>', 'the hub MCP endpoint: /mcp, /mcp/servers/<name> or /mcp/profiles/<profile>', process.env.MCP_HUB_URL ?? 'http://127.0.0.1:3456/mcp')
  .option('--header <header>', 'extra HTTP header, repeatable, e.g. "Authorization: Bearer <key>"', header, {} as Record<string, string>)
  .action(async (options: { url: string; header: Record<string, string> }) => {
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      process.stderr.write(`mcp-hub stdio: --url "${options.url}" is not a URL; expected e.g. http://127.0.0.1:3456/mcp\n`);
      process.exit(2);
    }
    const apiKey = process.env.MCP_HUB_API_KEY;
    const headers = { ...(apiKey ? { Authorization: `Bearer ${apiKey}` } : {}), ...options.header };
    // stdout carries the protocol; everything for humans goes to stderr
    await runStdioBridge({ url, headers, log: (line) => process.stderr.write(`[mcp-hub stdio] ${line}\n`) });
    process.exit(0);
  });

withServeFlags(
  program
    .command('serve', { isDefault: true })
    .description('Start the hub (the default command: `mcp-hub --port 3000 --config servers.json` works as with mcp-hub)'),
).action(async (flags: ServeFlags) => {
  Object.assign(process.env, serveFlagsToEnv(flags));
  // loaded only here: the other commands are HTTP clients and stay light
  const { serve } = await import('../main');
  serve();
});

const client = new HubClient();
program.addCommand(serversCommand(client));
program.addCommand(workspacesCommand(client));
program.addCommand(featuresCommand(client));
program.addCommand(hpoCommand(client));
program.addCommand(explainCommand(client));
program.addCommand(driftCommand(client));
program.addCommand(trainCommand(client));
program.addCommand(datasetsCommand(client));
program.addCommand(modelsCommand(client));
program.addCommand(experimentsCommand(client));
program.addCommand(runsCommand(client));
program.addCommand(predictCommand(client));
program.addCommand(batchCommand(client));
program.addCommand(abCommand(client));
program.addHelpText('after', '\nEnvironment: HUB_URL (default http://127.0.0.1:3456), MCP_HUB_API_KEY (when the hub runs with AUTH_MODE=api-key).');

program.parseAsync().catch((error: Error) => {
  process.stderr.write(`mcp-hub: ${error.message}\n`);
  process.exit(error instanceof HubRequestError && error.status === 0 ? 3 : 1);
});
