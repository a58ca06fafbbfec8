import { Body, Controller, Get, HttpCode, Post, Query, UseFilters } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireScope } from '../../platform/auth/auth.decorators';
import { ErrorResponseDto } from '../../platform/errors/error-response.dto';
import { McpHubCompatService } from './mcp-hub-compat.service';
import { McpHubErrorFilter } from './mcp-hub-error.filter';
import { CompatPromptGetDto, CompatResourceReadDto, CompatToolCallDto, ServerNameDto, StopQueryDto } from './mcp-hub.dto';

const now = () => new Date().toISOString();
const SERVER_EXAMPLE = {
  name: 'memory',
  displayName: 'memory',
  description: '',
  transportType: 'stdio',
  status: 'connected',
  error: null,
  capabilities: { tools: [{ name: 'read_graph', inputSchema: { type: 'object' } }], resources: [], resourceTemplates: [], prompts: [] },
  uptime: 42,
  lastStarted: '2026-11-30T10:00:00.000Z',
  authorizationUrl: null,
  serverInfo: { name: 'memory-server', version: '0.6.3' },
  config_source: '/home/ada/.config/mcphub/servers.json',
};
const serverResponse = { schema: { example: { status: 'ok', server: SERVER_EXAMPLE, timestamp: '2026-11-30T10:00:42.000Z' } } };
const notFound = { type: ErrorResponseDto, description: 'No server of that name; mcp-hub fields error/code/data/timestamp are included' };

/**
 * The routes of mcp-hub 4.2.1 that mcphub.nvim and scripts call, answered in its shapes (server_name
 * in the body, `timestamp` in every answer) by the hub's own services.
 */
@ApiTags('mcp-hub compatibility')
@Controller()
@UseFilters(McpHubErrorFilter)
export class McpHubController {
  constructor(private readonly compat: McpHubCompatService) {}

  @Post('servers/info')
  @HttpCode(200)
  @RequireScope('read')
  @ApiOperation({ summary: 'mcp-hub: one server with its tools, resources and prompts' })
  @ApiOkResponse({ schema: { example: { server: SERVER_EXAMPLE, timestamp: '2026-11-30T10:00:42.000Z' } } })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiNotFoundResponse(notFound)
  info(@Body() body: ServerNameDto) {
    return { server: this.compat.server(body.server_name), timestamp: now() };
  }

  @Post('servers/start')
  @HttpCode(200)
  @ApiOperation({ summary: 'mcp-hub: start a server; a disabled one is enabled first (persisted)' })
  @ApiOkResponse(serverResponse)
  @ApiNotFoundResponse(notFound)
  async start(@Body() body: ServerNameDto) {
    return { status: 'ok', server: await this.compat.start(body.server_name), timestamp: now() };
  }

  @Post('servers/stop')
  @HttpCode(200)
  @ApiOperation({ summary: 'mcp-hub: stop a server; ?disable=true keeps it off until started again (written to its servers file, or PostgreSQL for an API server)' })
  @ApiOkResponse(serverResponse)
  @ApiNotFoundResponse(notFound)
  async stop(@Body() body: ServerNameDto, @Query() query: StopQueryDto) {
    return { status: 'ok', server: await this.compat.stop(body.server_name, query.disable === 'true'), timestamp: now() };
  }

  @Post('servers/authorize')
  @HttpCode(200)
  @RequireScope('admin')
  @ApiOperation({ summary: 'mcp-hub: the URL that authorizes the hub at a remote server (OAuth 2.1); the hub does not open a browser' })
  @ApiOkResponse({ schema: { example: { authorizationUrl: 'https://auth.example.com/authorize?response_type=code&client_id=…&code_challenge_method=S256', timestamp: '2026-11-30T10:00:42.000Z' } } })
  @ApiNotFoundResponse(notFound)
  async authorize(@Body() body: ServerNameDto) {
    return { authorizationUrl: await this.compat.authorize(body.server_name), timestamp: now() };
  }

  @Post('servers/refresh')
  @HttpCode(200)
  @ApiOperation({ summary: 'mcp-hub: read a server\'s tools, resources and prompts again' })
  @ApiOkResponse(serverResponse)
  @ApiNotFoundResponse(notFound)
  async refresh(@Body() body: ServerNameDto) {
    return { status: 'ok', server: await this.compat.refresh(body.server_name), timestamp: now() };
  }

  @Get('refresh')
  @RequireScope('admin')
  @ApiOperation({ summary: 'mcp-hub: read every server\'s lists again (GET, as mcp-hub 4.2.1 serves it; POST works too)' })
  @ApiOkResponse({ schema: { example: { status: 'ok', servers: [SERVER_EXAMPLE], timestamp: '2026-11-30T10:00:42.000Z' } } })
  async refreshAll() {
    return { status: 'ok', servers: await this.compat.refreshAll(), timestamp: now() };
  }

  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({ summary: 'mcp-hub: the same as GET /api/refresh, for clients that follow its README' })
  @ApiOkResponse({ schema: { example: { status: 'ok', servers: [SERVER_EXAMPLE], timestamp: '2026-11-30T10:00:42.000Z' } } })
  refreshAllByPost() {
    return this.refreshAll();
  }

  @Post('restart')
  @HttpCode(200)
  @ApiOperation({ summary: 'mcp-hub: read the servers files again and reconnect every server; answers once they were restarted' })
  @ApiOkResponse({ schema: { example: { status: 'ok', timestamp: '2026-11-30T10:00:42.000Z' } } })
  async restart() {
    await this.compat.restart();
    return { status: 'ok', timestamp: now() };
  }

  @Post('servers/tools')
  @HttpCode(200)
  @RequireScope('mcp')
  @ApiOperation({ summary: 'mcp-hub: call a tool (arguments validated against its inputSchema first)' })
  @ApiOkResponse({ schema: { example: { result: { content: [{ type: 'text', text: 'Echo: hi' }] }, timestamp: '2026-11-30T10:00:42.000Z' } } })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiNotFoundResponse(notFound)
  async callTool(@Body() body: CompatToolCallDto) {
    return { result: await this.compat.callTool(body.server_name, body.tool, body.arguments ?? {}, body.request_options?.timeout), timestamp: now() };
  }

  @Post('servers/resources')
  @HttpCode(200)
  @RequireScope('mcp')
  @ApiOperation({ summary: 'mcp-hub: read a resource of a server' })
  @ApiOkResponse({ schema: { example: { result: { contents: [{ uri: 'demo://readme', text: '# Demo' }] }, timestamp: '2026-11-30T10:00:42.000Z' } } })
  @ApiNotFoundResponse(notFound)
  async readResource(@Body() body: CompatResourceReadDto) {
    return { result: await this.compat.readResource(body.server_name, body.uri), timestamp: now() };
  }

  @Post('servers/prompts')
  @HttpCode(200)
  @RequireScope('mcp')
  @ApiOperation({ summary: 'mcp-hub: render a prompt of a server' })
  @ApiOkResponse({ schema: { example: { result: { messages: [{ role: 'user', content: { type: 'text', text: 'Hello' } }] }, timestamp: '2026-11-30T10:00:42.000Z' } } })
  @ApiNotFoundResponse(notFound)
  async getPrompt(@Body() body: CompatPromptGetDto) {
    return { result: await this.compat.getPrompt(body.server_name, body.prompt, body.arguments ?? {}), timestamp: now() };
  }

  @Get('workspaces')
  @ApiOperation({ summary: 'Running hubs keyed by port (from PostgreSQL): workspace, config files, pid, start time; a hub that stopped answering is "dead"' })
  @ApiOkResponse({
    schema: {
      example: {
        workspaces: {
          '3456': { id: '0193…', cwd: '/home/ada/project', config_files: ['/home/ada/project/.mcphub/servers.json'], pid: 4242, port: 3456, hostname: 'laptop', version: '0.1.0', startTime: '2026-11-30T10:00:00.000Z', lastSeenAt: '2026-11-30T10:05:00.000Z', state: 'active', current: true },
        },
        timestamp: '2026-11-30T10:05:02.000Z',
      },
    },
  })
  async workspaces() {
    return { workspaces: await this.compat.workspaces(), timestamp: now() };
  }
}
