import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, ValidateIf } from 'class-validator';

export class OAuthCallbackQueryDto {
  @ApiPropertyOptional({ example: 'SplxlOBeZQQYbYS6WxSbIA' })
  @ValidateIf((query: OAuthCallbackQueryDto) => !query.error)
  @IsString()
  @MaxLength(2048)
  code?: string;

  @ApiPropertyOptional({ example: 'h3Vb0mFqk1wX9b3pZpDkL1yq5e2J7sQr', description: 'The state the hub put in the authorization URL' })
  @ValidateIf((query: OAuthCallbackQueryDto) => !query.error)
  @IsString()
  @MaxLength(256)
  state?: string;

  @ApiPropertyOptional({ example: 'access_denied' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  error?: string;

  @ApiPropertyOptional({ example: 'The user declined' })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  error_description?: string;
}
