import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { SERVER_STATES } from '../upstream/server-state';

const STATUS_EXAMPLE = {
  name: 'everything',
  source: 'file',
  state: 'connected',
  reason: 'connected over stdio (pid 41231)',
  since: '2026-11-25T15:00:02.120Z',
  attempts: [{ attempt: 1, startedAt: '2026-11-25T15:00:01.800Z' }],
  pid: 41231,
  transport: 'stdio',
  serverInfo: { name: 'mcp-servers/everything', version: '2.0.0' },
  consecutivePingFailures: 0,
  config: {
    name: 'everything',
    source: 'file',
    transport: { kind: 'stdio', command: 'npx', args: ['-y', '@modelcontextprotocol/server-everything'], env: { API_TOKEN: '********' } },
    disabled: false,
    dependsOn: [],
    timeouts: { connectMs: 30000, requestMs: 60000 },
    retry: { maxAttempts: 5, initialDelayMs: 1000, maxDelayMs: 30000, multiplier: 2 },
    healthCheck: { intervalMs: 30000, timeoutMs: 5000, failureThreshold: 3 },
  },
  catalog: { tools: 13, resources: 7, resourceTemplates: 1, prompts: 4 },
};

export class ConnectAttemptDto {
  @ApiProperty({ example: 2 })
  attempt!: number;

  @ApiProperty({ example: '2026-11-25T15:00:01.800Z' })
  startedAt!: string;

  @ApiPropertyOptional({ example: 'spawn does-not-exist ENOENT' })
  error?: string;

  @ApiPropertyOptional({ example: 1530, description: 'Wait before the next attempt' })
  nextDelayMs?: number;
}

export class ReplicaServerStateDto {
  @ApiProperty({ example: '019ad1c4-7e2b-7c31-9d0e-4f1b2a3c4d5e', description: 'The hub replica (its hub_instances id)' })
  instance!: string;

  @ApiProperty({ example: true, description: 'Whether it is the replica that answered' })
  current!: boolean;

  @ApiProperty({ enum: SERVER_STATES, example: 'connected' })
  state!: string;

  @ApiProperty({ example: 'connected over stdio (pid 41231)' })
  reason!: string;

  @ApiProperty({ example: '2026-11-25T15:00:02.120Z' })
  since!: string;

  @ApiPropertyOptional({ example: 41231, description: 'Its stdio child on that replica' })
  pid?: number;
}

export class ServerViewDto {
  @ApiProperty({ example: 'everything' })
  name!: string;

  @ApiProperty({ enum: ['file', 'api'], example: 'file' })
  source!: 'file' | 'api';

  @ApiProperty({ enum: SERVER_STATES, example: 'connected' })
  state!: string;

  @ApiProperty({ example: 'connected over stdio (pid 41231)', description: 'Why it is in this state' })
  reason!: string;

  @ApiProperty({ example: '2026-11-25T15:00:02.120Z' })
  since!: string;

  @ApiPropertyOptional({ example: 'connect ECONNREFUSED 127.0.0.1:9' })
  lastError?: string;

  @ApiProperty({ type: [ConnectAttemptDto] })
  attempts!: ConnectAttemptDto[];

  @ApiPropertyOptional({ example: 41231 })
  pid?: number;

  @ApiPropertyOptional({ enum: ['stdio', 'streamable-http', 'sse'] })
  transport?: string;

  @ApiPropertyOptional({ example: { name: 'mcp-servers/everything', version: '2.0.0' } })
  serverInfo?: { name: string; version: string };

  @ApiProperty({ example: 0 })
  consecutivePingFailures!: number;

  @ApiProperty({ description: 'Normalised configuration; env and header values, URL credentials and token query parameters, and credential arguments (--token=..., --api-key VALUE) are masked', example: STATUS_EXAMPLE.config })
  config!: Record<string, unknown>;

  @ApiProperty({
    type: 'object',
    properties: { tools: { type: 'integer' }, resources: { type: 'integer' }, resourceTemplates: { type: 'integer' }, prompts: { type: 'integer' } },
    required: ['tools', 'resources', 'resourceTemplates', 'prompts'],
    example: STATUS_EXAMPLE.catalog,
  })
  catalog!: Record<string, number>;

  @ApiPropertyOptional({ type: [ReplicaServerStateDto], description: 'In the list (GET /api/servers): its state on every live hub replica, this one first' })
  replicas?: ReplicaServerStateDto[];
}

export class ServerListDto {
  @ApiProperty({ type: [ServerViewDto] })
  servers!: ServerViewDto[];

  @ApiProperty({ type: [String], example: ['memory'], description: 'API servers hidden because the config file defines the same name (the file wins)' })
  shadowed!: string[];

  @ApiProperty({ example: '2026-11-30T10:00:42.000Z', description: 'When the list was taken (as mcp-hub answers it)' })
  timestamp!: string;
}

export class LogLineDto {
  @ApiProperty({ example: '2026-11-25T15:00:02.001Z' })
  at!: string;

  @ApiProperty({ example: 'Starting default (STDIO) server...' })
  line!: string;
}

export class ServerLogsDto {
  @ApiProperty({ example: 'everything' })
  server!: string;

  @ApiProperty({ type: [LogLineDto] })
  lines!: LogLineDto[];

  @ApiProperty({ example: 0, description: 'Older lines dropped from the ring buffer' })
  dropped!: number;
}

export class LogsQueryDto {
  @ApiPropertyOptional({ example: 100, minimum: 1, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}
