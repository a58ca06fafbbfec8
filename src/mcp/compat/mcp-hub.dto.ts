import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsNotEmpty, IsObject, IsOptional, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';

export class ServerNameDto {
  @ApiProperty({ example: 'memory', description: 'The server, as mcp-hub names the field' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  server_name!: string;
}

export class StopQueryDto {
  @ApiPropertyOptional({ example: 'true', description: '"true": the server stays off, also after a restart of the hub, until started again (written to its servers file, or to PostgreSQL for a server added over the API)' })
  @IsOptional()
  @IsString()
  disable?: string;
}

export class RequestOptionsDto {
  @ApiPropertyOptional({ example: 30000, description: 'Time limit of the call in milliseconds' })
  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  timeout?: number;
}

/** A request to one server with mcp-hub's per-call options. */
export class ServerRequestDto extends ServerNameDto {
  @ApiPropertyOptional({ type: RequestOptionsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => RequestOptionsDto)
  request_options?: RequestOptionsDto;
}

export class CompatToolCallDto extends ServerRequestDto {
  @ApiProperty({ example: 'read_graph' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  tool!: string;

  @ApiPropertyOptional({ example: {}, type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  arguments?: Record<string, unknown>;
}

export class CompatResourceReadDto extends ServerRequestDto {
  @ApiProperty({ example: 'demo://resource/static/document/readme.md' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(8192)
  uri!: string;
}

export class CompatPromptGetDto extends ServerRequestDto {
  @ApiProperty({ example: 'simple-prompt' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  prompt!: string;

  @ApiPropertyOptional({ example: { city: 'Oslo' }, type: 'object', additionalProperties: { type: 'string' } })
  @IsOptional()
  @IsObject()
  arguments?: Record<string, unknown>;
}
