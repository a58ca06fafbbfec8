import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  Validate,
  ValidateNested,
} from 'class-validator';
import { StringMapConstraint, StringMapRules } from '../../platform/validation/string-map.constraint';

export const SERVER_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
export const SERVER_NAME_RULE = 'letters, digits, "_" and "-", starting with a letter or digit, at most 64 characters';

/** Bounds of the entry's fields: generous for real configurations, small enough that nothing huge is stored, spawned or logged. */
export const SERVER_ENTRY_LIMITS = {
  commandLength: 4096,
  cwdLength: 4096,
  args: 256,
  argLength: 16384,
  urlLength: 2048,
  dependsOn: 64,
} as const;
const NO_NUL = /^[^\0]*$/;
const ENV_RULES: StringMapRules = {
  maxEntries: 200,
  maxKeyLength: 256,
  maxValueLength: 32768,
  key: { pattern: /^[^=\0]+$/, rule: 'a non-empty name without "=" or NUL' },
  forbidden: { pattern: /\0/, rule: 'NUL' },
};
const HEADER_RULES: StringMapRules = {
  maxEntries: 64,
  maxKeyLength: 256,
  maxValueLength: 8192,
  key: { pattern: /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, rule: 'an HTTP header name (letters, digits and !#$%&\'*+.^_`|~-)' },
  forbidden: { pattern: /[\0\r\n]/, rule: 'NUL, CR or LF' },
};

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

export class DevModeDto {
  @ApiPropertyOptional({ example: true, description: 'Restart the server when watched files change' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ example: ['src/**/*.js'], type: [String], description: 'Globs relative to cwd; default every file' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(64)
  @IsString({ each: true })
  @MaxLength(1024, { each: true })
  watch?: string[];

  @ApiPropertyOptional({ example: '/home/ada/my-server', description: 'Absolute directory to watch; default the entry\'s cwd' })
  @IsOptional()
  @IsString()
  @MaxLength(SERVER_ENTRY_LIMITS.cwdLength)
  @Matches(/^\/[^\0]*$/, { message: 'cwd must be an absolute path' })
  cwd?: string;
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
  @MaxLength(SERVER_ENTRY_LIMITS.commandLength)
  @Matches(NO_NUL, { message: 'command must not contain NUL' })
  command?: string;

  @ApiPropertyOptional({ example: ['-y', '@modelcontextprotocol/server-memory'], type: [String], maxItems: SERVER_ENTRY_LIMITS.args })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(SERVER_ENTRY_LIMITS.args)
  @IsString({ each: true })
  @MaxLength(SERVER_ENTRY_LIMITS.argLength, { each: true })
  @Matches(NO_NUL, { each: true, message: 'args must not contain NUL' })
  args?: string[];

  @ApiPropertyOptional({
    example: { MEMORY_FILE_PATH: '/var/lib/memory.json' },
    description: `Extra environment; \${VAR} and \${env:VAR} are replaced. At most ${ENV_RULES.maxEntries} entries, values up to ${ENV_RULES.maxValueLength} characters`,
  })
  @IsOptional()
  @Validate(StringMapConstraint, [ENV_RULES])
  env?: Record<string, string>;

  @ApiPropertyOptional({ example: '/srv/tools' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(SERVER_ENTRY_LIMITS.cwdLength)
  @Matches(NO_NUL, { message: 'cwd must not contain NUL' })
  cwd?: string;

  @ApiPropertyOptional({ example: 'https://mcp.example.com/mcp', description: 'Remote servers: Streamable HTTP or SSE endpoint' })
  @IsOptional()
  @IsString()
  @MaxLength(SERVER_ENTRY_LIMITS.urlLength)
  @Matches(/^https?:\/\/\S+$/, { message: 'url must be an http:// or https:// URL' })
  url?: string;

  @ApiPropertyOptional({
    example: { Authorization: 'Bearer ${env:UPSTREAM_TOKEN}' },
    description: `At most ${HEADER_RULES.maxEntries} headers, values up to ${HEADER_RULES.maxValueLength} characters without CR or LF`,
  })
  @IsOptional()
  @Validate(StringMapConstraint, [HEADER_RULES])
  headers?: Record<string, string>;

  @ApiPropertyOptional({ enum: ['stdio', 'streamable-http', 'http', 'sse'], example: 'streamable-http', description: 'Remote default: Streamable HTTP, falling back to SSE' })
  @IsOptional()
  @IsIn(['stdio', 'streamable-http', 'http', 'sse'])
  type?: 'stdio' | 'streamable-http' | 'http' | 'sse';

  @ApiPropertyOptional({
    enum: ['shared', 'per-session'],
    example: 'per-session',
    description:
      'per-session: each MCP client session gets its own upstream session (remote) or process (stdio), started with that client\'s capabilities, so sampling, elicitation, roots, logs and subscriptions are its own. Default: per-session for remote servers, shared for stdio',
  })
  @IsOptional()
  @IsIn(['shared', 'per-session'])
  isolation?: 'shared' | 'per-session';

  @ApiPropertyOptional({ example: false })
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;

  @ApiPropertyOptional({ example: ['database'], type: [String], description: 'Servers that must be connected first' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(SERVER_ENTRY_LIMITS.dependsOn)
  @ArrayUnique()
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  dependsOn?: string[];

  @ApiPropertyOptional({ type: DevModeDto, description: 'Servers file only: restart this stdio server when its source files change (debounced)' })
  @IsOptional()
  @ValidateNested()
  @Type(() => DevModeDto)
  dev?: DevModeDto;

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
