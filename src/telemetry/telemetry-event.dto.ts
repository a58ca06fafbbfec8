import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsObject, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';

export const SEVERITIES = ['debug', 'info', 'warn', 'error'] as const;
export const MAX_EVENT_BYTES = 64 * 1024;
export const MAX_BATCH = 1000;

/** A telemetry event, aligned with CloudEvents 1.0 (id, source, type, time, specversion, subject, data). */
export class TelemetryEventDto {
  @ApiPropertyOptional({ example: '019ab3c4-5d6e-7f80-9a1b-2c3d4e5f6a7b', description: 'UUID; a v7 is generated when absent. (source, id) identifies the event: sending it twice stores it once' })
  @IsOptional()
  @IsUUID()
  id?: string;

  @ApiProperty({ example: 'mcp-hub/api', description: 'Who emitted it' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  source!: string;

  @ApiProperty({ example: 'mcp.tool.call', description: 'Dotted event type' })
  @Matches(/^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)*$/, { message: 'type must be a dotted lower-case name such as mcp.tool.call' })
  @MaxLength(100)
  type!: string;

  @ApiPropertyOptional({ example: '2026-11-25T15:00:00.000Z', description: 'When it happened; now when absent' })
  @IsOptional()
  @IsISO8601({ strict: true })
  time?: string;

  @ApiPropertyOptional({ example: '1.0' })
  @IsOptional()
  @IsIn(['1.0'])
  specversion?: '1.0';

  @ApiPropertyOptional({ enum: SEVERITIES, example: 'info' })
  @IsOptional()
  @IsIn(SEVERITIES)
  severity?: (typeof SEVERITIES)[number];

  @ApiPropertyOptional({ example: '4bf92f3577b34da6a3ce929d0e0e4736' })
  @IsOptional()
  @Matches(/^[0-9a-f]{32}$/, { message: 'traceId must be 32 lower-case hex characters' })
  traceId?: string;

  @ApiPropertyOptional({ example: '00f067aa0ba902b7' })
  @IsOptional()
  @Matches(/^[0-9a-f]{16}$/, { message: 'spanId must be 16 lower-case hex characters' })
  spanId?: string;

  @ApiPropertyOptional({ example: 'everything/echo' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  subject?: string;

  @ApiPropertyOptional({ example: { server: 'everything', outcome: 'ok' }, description: 'Flat map of strings, numbers and booleans' })
  @IsOptional()
  @IsObject()
  attributes?: Record<string, string | number | boolean>;

  @ApiPropertyOptional({ example: { durationMs: 1.2 } })
  @IsOptional()
  data?: unknown;
}
