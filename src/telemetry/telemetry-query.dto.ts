import { ApiHideProperty, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsEmpty, IsInt, IsISO8601, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

/** Every list in a telemetry query is one parameter holding comma-separated values (as /api/events does). */
const TYPE_LIST = /^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)*(,[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)*)*$/;
const TYPE_LIST_MESSAGE = 'type must be comma-separated event types such as mcp.tool.call,mcp.request';
const TYPES_MESSAGE = 'types is not a parameter here; pass the event types as type=a,b (comma-separated)';

export class EventsQueryDto {
  @ApiPropertyOptional({ example: 'mcp.tool.call,mcp.request', description: 'Comma-separated event types (exact names); any of them matches' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  @Matches(TYPE_LIST, { message: TYPE_LIST_MESSAGE })
  type?: string;

  /** Named in the 400 so a caller used to /api/events' `types` learns this endpoint's parameter. */
  @ApiHideProperty()
  @IsEmpty({ message: TYPES_MESSAGE })
  types?: never;

  @ApiPropertyOptional({ example: 'mcp-hub/019ab3c4-5d6e-7f80-9a1b-2c3d4e5f6a7b' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  source?: string;

  @ApiPropertyOptional({ example: 'everything/echo' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  subject?: string;

  @ApiPropertyOptional({ example: '2026-11-25T00:00:00Z', description: 'From this time on (inclusive)' })
  @IsOptional()
  @IsISO8601()
  from?: string;

  @ApiPropertyOptional({ example: '2026-11-26T00:00:00Z', description: 'Before this time (exclusive)' })
  @IsOptional()
  @IsISO8601()
  to?: string;

  @ApiPropertyOptional({ example: 100, minimum: 1, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  cursor?: string;
}

export class StoredEventDto {
  @ApiProperty({ example: '019ab3c4-5d6e-7f80-9a1b-2c3d4e5f6a7b' })
  id!: string;

  @ApiProperty({ example: 'mcp-hub/019ab3c4-5d6e-7f80-9a1b-2c3d4e5f6a7b' })
  source!: string;

  @ApiProperty({ example: 'mcp.tool.call' })
  type!: string;

  @ApiProperty({ example: '2026-11-25T15:00:00.000Z' })
  time!: string;

  @ApiProperty({ example: 'info' })
  severity!: string;

  @ApiPropertyOptional({ example: 'everything/echo', nullable: true })
  subject!: string | null;

  @ApiPropertyOptional({ example: { server: 'everything', tool: 'echo', durationMs: 1.2, outcome: 'ok' }, nullable: true })
  data!: unknown;
}

export class EventsPageDto {
  @ApiProperty({ type: [StoredEventDto] })
  events!: StoredEventDto[];

  @ApiPropertyOptional({ example: 'MjAyNi0xMS0yNVQxNTowMDowMC4wMDBafG1jcC1odWJ8MDE5YWIz', nullable: true, description: 'Pass as cursor for the next page; null on the last page' })
  nextCursor!: string | null;
}

export class StatsQueryDto {
  @ApiPropertyOptional({ example: 3600, description: 'Window in seconds, ending now', minimum: 1, maximum: 2592000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(2592000)
  windowSeconds?: number;
}

export class RollupsQueryDto {
  @ApiPropertyOptional({ example: '2026-11-25T14:00:00Z', description: 'Default: an hour before `to`' })
  @IsOptional()
  @IsISO8601()
  from?: string;

  @ApiPropertyOptional({ example: '2026-11-25T15:00:00Z', description: 'Default: now' })
  @IsOptional()
  @IsISO8601()
  to?: string;

  @ApiPropertyOptional({ example: 'mcp.tool.call,mcp.request', description: 'Comma-separated event types (exact names); any of them matches' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  @Matches(TYPE_LIST, { message: TYPE_LIST_MESSAGE })
  type?: string;

  @ApiHideProperty()
  @IsEmpty({ message: TYPES_MESSAGE })
  types?: never;
}
