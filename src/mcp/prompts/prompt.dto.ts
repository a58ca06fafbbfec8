import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional } from 'class-validator';

export class PromptDto {
  @ApiProperty({ example: 'everything' })
  serverName!: string;

  @ApiProperty({ example: 'args-prompt' })
  name!: string;

  @ApiPropertyOptional({ nullable: true, example: 'Arguments Prompt' })
  title!: string | null;

  @ApiPropertyOptional({ nullable: true, example: 'A prompt with two arguments, one required and one optional' })
  description!: string | null;

  @ApiProperty({
    type: 'array',
    items: { type: 'object', properties: { name: { type: 'string' }, description: { type: 'string' }, required: { type: 'boolean' } }, required: ['name'] },
    example: [{ name: 'city', description: 'Name of the city', required: true }],
  })
  arguments!: Record<string, unknown>[];

  @ApiPropertyOptional({ nullable: true, example: null, description: 'Every other field the server sent (icons, execution, _meta, ...), as sent' })
  extra!: Record<string, unknown> | null;

  @ApiProperty({ example: true })
  available!: boolean;
}

export class GetPromptDto {
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, example: { city: 'Lisbon' }, description: 'Prompt arguments (string values)' })
  @IsOptional()
  @IsObject()
  arguments?: Record<string, string>;
}

export class GetPromptResultDto {
  @ApiPropertyOptional({ example: 'A prompt with two arguments' })
  description?: string;

  @ApiProperty({
    type: 'array',
    items: { type: 'object', properties: { role: { type: 'string', enum: ['user', 'assistant'] }, content: { type: 'object', additionalProperties: true } }, required: ['role', 'content'] },
    example: [{ role: 'user', content: { type: 'text', text: "What's weather in Lisbon?" } }],
  })
  messages!: unknown[];
}
