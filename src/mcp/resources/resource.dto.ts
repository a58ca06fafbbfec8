import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MinLength } from 'class-validator';

export class ResourceDto {
  @ApiProperty({ example: 'everything' })
  serverName!: string;

  @ApiProperty({ example: 'demo://resource/static/document/architecture.md' })
  uri!: string;

  @ApiProperty({ example: 'architecture.md' })
  name!: string;

  @ApiPropertyOptional({ nullable: true, example: null })
  title!: string | null;

  @ApiPropertyOptional({ nullable: true, example: 'Static document file exposed from /docs' })
  description!: string | null;

  @ApiPropertyOptional({ nullable: true, example: 'text/markdown' })
  mimeType!: string | null;

  @ApiPropertyOptional({ nullable: true, example: null, description: 'Every other field the server sent (icons, execution, _meta, ...), as sent' })
  extra!: Record<string, unknown> | null;

  @ApiProperty({ example: true })
  available!: boolean;
}

export class ResourceTemplateDto {
  @ApiProperty({ example: 'everything' })
  serverName!: string;

  @ApiProperty({ example: 'demo://resource/dynamic/text/{resourceId}' })
  uriTemplate!: string;

  @ApiProperty({ example: 'Dynamic Text Resource' })
  name!: string;

  @ApiPropertyOptional({ nullable: true, example: null })
  title!: string | null;

  @ApiPropertyOptional({ nullable: true, example: 'Plaintext dynamic resource fabricated from the {resourceId} variable' })
  description!: string | null;

  @ApiPropertyOptional({ nullable: true, example: 'text/plain' })
  mimeType!: string | null;

  @ApiPropertyOptional({ nullable: true, example: null, description: 'Every other field the server sent (icons, execution, _meta, ...), as sent' })
  extra!: Record<string, unknown> | null;

  @ApiProperty({ example: true })
  available!: boolean;
}

export class ResourceListDto {
  @ApiProperty({ type: [ResourceDto] })
  resources!: ResourceDto[];

  @ApiProperty({ type: [ResourceTemplateDto] })
  resourceTemplates!: ResourceTemplateDto[];
}

export class ServerFilterDto {
  @ApiPropertyOptional({ example: 'everything' })
  @IsOptional()
  @IsString()
  server?: string;
}

export class ReadResourceDto {
  @ApiProperty({ example: 'demo://resource/static/document/architecture.md' })
  @IsString()
  @MinLength(1)
  uri!: string;

  @ApiPropertyOptional({ example: 'everything', description: 'Which server to ask; found from the catalog when omitted' })
  @IsOptional()
  @IsString()
  server?: string;
}

export class ReadResourceResultDto {
  @ApiProperty({ example: 'everything' })
  server!: string;

  @ApiProperty({
    type: 'array',
    items: { type: 'object', properties: { uri: { type: 'string' }, mimeType: { type: 'string' }, text: { type: 'string' }, blob: { type: 'string', description: 'base64' } }, required: ['uri'] },
    example: [{ uri: 'demo://resource/static/document/architecture.md', mimeType: 'text/markdown', text: '# Architecture ...' }],
  })
  contents!: unknown[];
}
