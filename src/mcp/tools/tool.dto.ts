import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsObject, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export class ToolDto {
  @ApiProperty({ example: 'everything' })
  serverName!: string;

  @ApiProperty({ example: 'get-sum' })
  name!: string;

  @ApiPropertyOptional({ example: 'Get Sum Tool', nullable: true })
  title!: string | null;

  @ApiPropertyOptional({ example: 'Returns the sum of two numbers', nullable: true })
  description!: string | null;

  @ApiProperty({ example: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] } })
  inputSchema!: Record<string, unknown>;

  @ApiPropertyOptional({ nullable: true, example: null })
  outputSchema!: Record<string, unknown> | null;

  @ApiPropertyOptional({ nullable: true, example: { readOnlyHint: true, idempotentHint: true } })
  annotations!: Record<string, unknown> | null;

  @ApiPropertyOptional({ nullable: true, example: { execution: { taskSupport: 'optional' } }, description: 'Every other field the server sent (icons, execution, _meta, ...), as sent' })
  extra!: Record<string, unknown> | null;

  @ApiProperty({ example: true, description: 'False while its server is not connected' })
  available!: boolean;

  @ApiProperty({ example: '2026-11-25T15:00:02.300Z' })
  updatedAt!: Date;
}

export class ToolQueryDto {
  @ApiPropertyOptional({ example: 'everything' })
  @IsOptional()
  @IsString()
  server?: string;

  @ApiPropertyOptional({ example: 'sum', description: 'Case-insensitive match on name, title and description' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ example: true })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  available?: boolean;
}

export class CallToolDto {
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, example: { a: 2, b: 3 }, description: "Checked against the tool's inputSchema before anything is sent" })
  @IsOptional()
  @IsObject()
  arguments?: Record<string, unknown>;

  @ApiPropertyOptional({ example: 10000, description: "Time limit of this call; default: the server's timeouts.requestMs" })
  // no type conversion: a JSON body carries numbers, and true or "5000" must not become 1 ms or 5 s
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3600000)
  timeoutMs?: number;
}

export class CallToolResultDto {
  @ApiProperty({ example: [{ type: 'text', text: 'The sum of 2 and 3 is 5.' }] })
  content!: unknown[];

  @ApiPropertyOptional({ example: false, description: 'True when the tool itself reported an error' })
  isError?: boolean;

  @ApiPropertyOptional({ example: { result: 5 } })
  structuredContent?: Record<string, unknown>;
}
