import { delimiter, resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';

/** What `mcp-hub serve` (and `npm start --`) accepts; each flag stands for an environment variable. */
export interface ServeFlags {
  port?: number;
  host?: string;
  config?: string[];
  watch?: boolean;
  autoShutdown?: boolean;
  shutdownDelay?: number;
  workspace?: string;
}

const DEFAULT_SHUTDOWN_DELAY_MS = 0;

function integer(label: string, min: number, max: number) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!/^\d+$/.test(value) || parsed < min || parsed > max) throw new InvalidArgumentError(`${label} must be an integer from ${min} to ${max}`);
    return parsed;
  };
}

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

/** Adds the serve flags (the ones mcp-hub 4.2.1 takes, plus --host and --workspace) to a command. */
export function withServeFlags(command: Command): Command {
  return command
    .option('-p, --port <port>', 'HTTP port (PORT)', integer('--port', 1, 65535))
    .option('--host <host>', 'interface to bind (HOST)')
    .option('-c, --config <path>', 'servers file; repeat it to merge several, a server in a later file replacing the earlier one (MCP_SERVERS_CONFIG)', collect)
    .option('-w, --watch', 'reload the servers files when they change (MCP_SERVERS_WATCH=true)')
    .option('--no-watch', 'do not reload the servers files when they change')
    .option('--auto-shutdown', 'stop once no client has been connected for --shutdown-delay (MCP_HUB_AUTO_SHUTDOWN_MS)')
    .option('--shutdown-delay <ms>', 'with --auto-shutdown: how long without clients before stopping, in milliseconds (default 0; before the first client 30 s at least)', integer('--shutdown-delay', 0, 604_800_000))
    .addOption(new Option('--workspace <dir>', 'the workspace this hub serves: ${workspaceFolder} in the servers file (MCP_HUB_WORKSPACE)'))
    .showHelpAfterError()
    .allowExcessArguments(false)
    // 2, as other command-line tools, for a usage error; help and --version stay 0
    .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2));
}

/** The environment variables the flags stand for; flags win over the environment. */
export function serveFlagsToEnv(flags: ServeFlags): Record<string, string> {
  const env: Record<string, string> = {};
  if (flags.port !== undefined) env.PORT = String(flags.port);
  if (flags.host !== undefined) env.HOST = flags.host;
  if (flags.config?.length) env.MCP_SERVERS_CONFIG = flags.config.map((path) => resolve(path)).join(delimiter);
  if (flags.watch !== undefined) env.MCP_SERVERS_WATCH = String(flags.watch);
  if (flags.autoShutdown) env.MCP_HUB_AUTO_SHUTDOWN_MS = String(flags.shutdownDelay ?? DEFAULT_SHUTDOWN_DELAY_MS);
  if (flags.workspace !== undefined) env.MCP_HUB_WORKSPACE = resolve(flags.workspace);
  return env;
}

/**
 * Reads serve flags from `argv` (what follows `node main.js`) into the environment. On a bad or
 * unknown flag prints the problem and the valid flags, and exits 2.
 */
export function applyServeFlags(argv: string[], env: NodeJS.ProcessEnv = process.env): void {
  const command = withServeFlags(new Command('mcp-hub').description('Start MCP Hub')).action(() => undefined);
  command.parse(argv, { from: 'user' });
  Object.assign(env, serveFlagsToEnv(command.opts<ServeFlags>()));
}
