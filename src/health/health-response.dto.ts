import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class DependencyHealthDto {
  @ApiProperty({ enum: ['up', 'down', 'disabled'], example: 'up' })
  status!: 'up' | 'down' | 'disabled';

  @ApiProperty({ example: true, description: 'Required dependencies decide readiness' })
  required!: boolean;

  @ApiPropertyOptional({ example: 1.8, description: 'Round trip of the check in milliseconds' })
  latencyMs?: number;

  @ApiPropertyOptional({ example: '15.20' })
  version?: string;

  @ApiPropertyOptional({
    enum: ['embedded', 'external'],
    example: 'external',
    description: 'PostgreSQL and Redis only: embedded when the hub started (or shares) the server itself because its URL is unset and nothing answered at the probe URL',
  })
  mode?: 'embedded' | 'external';

  @ApiPropertyOptional({ example: 'connect ECONNREFUSED 127.0.0.1:6333' })
  error?: string;
}

const DETAILS_EXAMPLE = {
  postgres: { status: 'up', required: true, latencyMs: 1.4, version: '18.4', mode: 'embedded' },
  redis: { status: 'up', required: true, latencyMs: 0.6, version: '7.0.15', mode: 'external' },
  mongodb: { status: 'disabled', required: false },
  qdrant: { status: 'disabled', required: false },
  s3: { status: 'disabled', required: false },
  telemetry: { status: 'up', required: false, latencyMs: 0.9, lag: 0, pending: 0, deadLetters: 0, consumers: 1, streamLength: 1200, lastReadAgeMs: 412 },
};

export class HealthReportDto {
  @ApiProperty({ enum: ['ok', 'degraded', 'error', 'shutting_down'], example: 'ok', description: 'degraded: an optional dependency is down' })
  status!: 'ok' | 'degraded' | 'error' | 'shutting_down';

  @ApiProperty({ type: 'object', additionalProperties: { $ref: '#/components/schemas/DependencyHealthDto' }, example: DETAILS_EXAMPLE })
  details!: Record<string, DependencyHealthDto>;

  @ApiProperty({ example: '0.1.0' })
  version!: string;

  @ApiProperty({ example: 5321.4 })
  uptimeSeconds!: number;

  @ApiPropertyOptional({
    description: 'mcp-hub 4.2.1\'s health summary: hub state, servers counted by status, connections (counts only: this route is public); its full body is at ?format=mcp-hub (AUTH_MODE=none only)',
    example: { status: 'ok', state: 'ready', server_id: 'mcp-hub', version: '0.1.0', activeClients: 1, servers: { total: 3, connected: 2, connecting: 0, disconnected: 0, unauthorized: 0, disabled: 1 }, connections: { totalConnections: 1, mcpSessions: 2 } },
  })
  mcpHub?: Record<string, unknown>;
}

export class ReadinessDto {
  @ApiProperty({ enum: ['ok', 'error', 'shutting_down'], example: 'ok' })
  status!: 'ok' | 'error' | 'shutting_down';

  @ApiProperty({ type: 'object', additionalProperties: { $ref: '#/components/schemas/DependencyHealthDto' }, example: { postgres: DETAILS_EXAMPLE.postgres, redis: DETAILS_EXAMPLE.redis } })
  details!: Record<string, DependencyHealthDto>;
}

export class LivenessDto {
  @ApiProperty({ enum: ['ok'], example: 'ok' })
  status!: 'ok';

  @ApiProperty({ example: 41231 })
  pid!: number;

  @ApiProperty({ example: 5321.4 })
  uptimeSeconds!: number;

  @ApiProperty({ example: 97_452_032, description: 'Resident set size in bytes' })
  rssBytes!: number;
}
