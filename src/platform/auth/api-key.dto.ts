import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMinSize, ArrayUnique, IsArray, IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { SCOPES, Scope } from './api-key.entity';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'claude-desktop', description: 'What the key is for' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  @ApiProperty({ enum: SCOPES, isArray: true, example: ['mcp'], description: 'admin: everything; mcp: MCP endpoints and tool calls; read: GET routes' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(SCOPES, { each: true })
  scopes!: Scope[];

  @ApiPropertyOptional({ example: 'coding', description: 'Bind the key to a profile: it then sees only that profile through /mcp' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, { message: 'profile must be a profile name' })
  profile?: string;
}

export class ApiKeyDto {
  @ApiProperty({ example: '019ab3c4-5d6e-7f80-9a1b-2c3d4e5f6a7b' })
  id!: string;

  @ApiProperty({ example: 'claude-desktop' })
  name!: string;

  @ApiProperty({ example: 'mcphub_Xk3f9a', description: 'The start of the secret, to recognise the key' })
  prefix!: string;

  @ApiProperty({ enum: SCOPES, isArray: true, example: ['mcp'] })
  scopes!: Scope[];

  @ApiPropertyOptional({ example: 'coding', nullable: true })
  profile!: string | null;

  @ApiProperty({ example: '2026-11-25T15:00:00.000Z' })
  createdAt!: Date;

  @ApiPropertyOptional({ example: '2026-11-25T15:10:00.000Z', nullable: true })
  lastUsedAt!: Date | null;
}

export class CreatedApiKeyDto extends ApiKeyDto {
  @ApiProperty({ example: 'mcphub_Xk3f9aQ2...', description: 'The secret: shown this once, store it now' })
  key!: string;
}
