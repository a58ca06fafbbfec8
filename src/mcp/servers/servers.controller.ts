import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ErrorResponseDto } from '../../platform/errors/error-response.dto';
import { ConfigStatusDto } from '../servers-config/config-status.dto';
import { CreateServerDto, ServerEntryDto } from '../servers-config/server-entry.dto';
import { ServersConfigService } from '../servers-config/servers-config.service';
import { UpstreamManager } from '../upstream/upstream-manager.service';
import { LogsQueryDto, ServerListDto, ServerLogsDto, ServerViewDto } from './server.dto';
import { ServersService } from './servers.service';
import { RestStdioGuard } from './rest-stdio.guard';
import { McpHubCompatService } from '../compat/mcp-hub-compat.service';

@ApiTags('servers')
@Controller('servers')
export class ServersController {
  constructor(
    private readonly servers: ServersService,
    private readonly config: ServersConfigService,
    private readonly upstreams: UpstreamManager,
    private readonly compat: McpHubCompatService,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Every upstream MCP server with its state, reason, attempts and catalog size',
    description:
      'State, reason and attempts are those of the replica that answers; `replicas` gives the state on every live hub replica (each runs its own connection). ' +
      'Each server also carries the fields mcp-hub 4.2.1 answers on this route (status, displayName, transportType, capabilities, uptime, config_source, ...), so its scripts and mcphub.nvim read it unchanged',
  })
  @ApiOkResponse({ type: ServerListDto })
  async list(): Promise<ServerListDto> {
    const { servers, shadowed } = await this.servers.list();
    return { servers: servers.map((view) => ({ ...this.compat.server(view.name), ...view })), shadowed, timestamp: new Date().toISOString() } as unknown as ServerListDto;
  }

  @Get('config-status')
  @ApiOperation({ summary: 'State of the servers config file: loaded, or rejected with its problems while the last good one runs' })
  @ApiOkResponse({ type: ConfigStatusDto })
  configStatus(): ConfigStatusDto {
    return this.config.configStatus();
  }

  @Post()
  @ApiOperation({ summary: 'Add a server (stored in PostgreSQL); same fields as an mcpServers entry plus its name' })
  @ApiCreatedResponse({ type: ServerViewDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Invalid field, unknown dependency or dependency cycle' })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The name exists already, in the API or in the config file (the file wins)' })
  @ApiForbiddenResponse({ type: ErrorResponseDto, description: 'A stdio server (command) while AUTH_MODE=none and ALLOW_REST_STDIO_SERVERS is not true' })
  @UseGuards(RestStdioGuard)
  create(@Body() dto: CreateServerDto): Promise<ServerViewDto> {
    return this.servers.create(dto) as unknown as Promise<ServerViewDto>;
  }

  @Get(':name')
  @ApiOperation({ summary: 'One server' })
  @ApiOkResponse({ type: ServerViewDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  get(@Param('name') name: string): ServerViewDto {
    return this.servers.view(name) as unknown as ServerViewDto;
  }

  @Patch(':name')
  @ApiOperation({
    summary: 'Change a server added over the API (only the given fields); it restarts',
    description: 'A server from the config file takes only {"disabled": true|false}, written to its entry in the file (comments and layout kept)',
  })
  @ApiOkResponse({ type: ServerViewDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The server comes from the config file (and the change is more than "disabled")' })
  @ApiForbiddenResponse({ type: ErrorResponseDto, description: 'A command while AUTH_MODE=none and ALLOW_REST_STDIO_SERVERS is not true' })
  @UseGuards(RestStdioGuard)
  update(@Param('name') name: string, @Body() dto: ServerEntryDto): Promise<ServerViewDto> {
    return this.servers.update(name, dto) as unknown as Promise<ServerViewDto>;
  }

  @Delete(':name')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a server added over the API; its catalog entries go' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The server comes from the config file' })
  async remove(@Param('name') name: string): Promise<void> {
    await this.servers.remove(name);
  }

  @Post(':name/start')
  @HttpCode(200)
  @ApiOperation({ summary: 'Start a stopped or failed server (after its dependencies)' })
  @ApiOkResponse({ type: ServerViewDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  start(@Param('name') name: string): ServerViewDto {
    this.upstreams.start(name);
    return this.servers.view(name) as unknown as ServerViewDto;
  }

  @Post(':name/stop')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop a server (a stdio child gets a graceful close, then SIGKILL)' })
  @ApiOkResponse({ type: ServerViewDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async stop(@Param('name') name: string): Promise<ServerViewDto> {
    await this.upstreams.stop(name);
    return this.servers.view(name) as unknown as ServerViewDto;
  }

  @Post(':name/restart')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop and start a server' })
  @ApiOkResponse({ type: ServerViewDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async restart(@Param('name') name: string): Promise<ServerViewDto> {
    await this.upstreams.restart(name);
    return this.servers.view(name) as unknown as ServerViewDto;
  }

  @Get(':name/logs')
  @ApiOperation({ summary: 'The last lines a stdio server wrote to stderr (bounded ring buffer)' })
  @ApiOkResponse({ type: ServerLogsDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  logs(@Param('name') name: string, @Query() query: LogsQueryDto): ServerLogsDto {
    return { server: name, ...this.upstreams.stderr(name, query.limit) };
  }
}
