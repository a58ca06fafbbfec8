import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayUnique, IsArray, IsBoolean, IsIn, IsInt, IsNumber, IsObject, IsOptional, IsString, Matches, Max, Min, MinLength, ValidateNested, IsNotEmpty } from 'class-validator';

export const SERVER_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
export const SERVER_NAME_RULE = 'letters, digits, "_" and "-", starting with a letter or digit, at most 64 characters';

export class TimeoutsDto {
  @ApiPropertyOptional({ example: 30000, description: 'Time allowed for connect + initialize' })
  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(600000)
  connectMs?: number;

  @ApiPropertyOptional({ example: 60000, description: 'Default time limit of a request to this server' })
  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(3600000)
  requestMs?: number;
}

export class RetryDto {
  @ApiPropertyOptional({ example: 5, description: 'Connection attempts before the server is marked failed' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  maxAttempts?: number;

  @ApiPropertyOptional({ example: 1000 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3600000)
  initialDelayMs?: number;

  @ApiPropertyOptional({ example: 30000 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3600000)
  maxDelayMs?: number;

  @ApiPropertyOptional({ example: 2 })
  @IsOptional()
  @IsNumber()
  @Min(1)
  @Max(10)
  multiplier?: number;
}

export class HealthCheckDto {
  @ApiPropertyOptional({ example: 30000, description: 'Ping interval; 0 turns pings off' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(3600000)
  intervalMs?: number;

  @ApiPropertyOptional({ example: 5000 })
  @IsOptional()
  @IsInt()
  @Min(10)
  @Max(600000)
  timeoutMs?: number;

  @ApiPropertyOptional({ example: 3, description: 'Failed pings in a row before the hub reconnects' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  failureThreshold?: number;
}

/**
 * One entry of `mcpServers`, as desktop MCP clients write it (command/args/env/cwd or url/headers/type),
 * plus the hub's extras. Exactly one of `command` and `url`.
 */
export class ServerEntryDto {
  @ApiPropertyOptional({ example: 'npx', description: 'Stdio servers: the command to run' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  command?: string;

  @ApiPropertyOptional({ example: ['-y', '@modelcontextprotocol/server-memory'], type: [String] })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  args?: string[];

  @ApiPropertyOptional({ example: { MEMORY_FILE_PATH: '/var/lib/memory.json' }, description: 'Extra environment; ${VAR} and ${env:VAR} are replaced' })
  @IsOptional()
  @IsObject()
  env?: Record<string, string>;

  @ApiPropertyOptional({ example: '/srv/tools' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  cwd?: string;

  @ApiPropertyOptional({ example: 'https://mcp.example.com/mcp', description: 'Remote servers: Streamable HTTP or SSE endpoint' })
  @IsOptional()
  @IsString()
  @Matches(/^https?:\/\/\S+$/, { message: 'url must be an http:// or https:// URL' })
  url?: string;

  @ApiPropertyOptional({ example: { Authorization: 'Bearer ${env:UPSTREAM_TOKEN}' } })
  @IsOptional()
  @IsObject()
  headers?: Record<string, string>;

  @ApiPropertyOptional({ enum: ['stdio', 'streamable-http', 'http', 'sse'], example: 'streamable-http', description: 'Remote default: Streamable HTTP, falling back to SSE' })
  @IsOptional()
  @IsIn(['stdio', 'streamable-http', 'http', 'sse'])
  type?: 'stdio' | 'streamable-http' | 'http' | 'sse';

  @ApiPropertyOptional({ example: false })
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;

  @ApiPropertyOptional({ example: ['database'], type: [String], description: 'Servers that must be connected first' })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsString({ each: true })
  dependsOn?: string[];

  @ApiPropertyOptional({ type: TimeoutsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => TimeoutsDto)
  timeouts?: TimeoutsDto;

  @ApiPropertyOptional({ type: RetryDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => RetryDto)
  retry?: RetryDto;

  @ApiPropertyOptional({ type: HealthCheckDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => HealthCheckDto)
  healthCheck?: HealthCheckDto;
}

export class CreateServerDto extends ServerEntryDto {
  @ApiProperty({ example: 'memory', description: SERVER_NAME_RULE })
  @IsString()
  @Matches(SERVER_NAME_PATTERN, { message: `name must be ${SERVER_NAME_RULE}` })
  name!: string;
}
