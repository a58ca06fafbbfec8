import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';

export class EventsQueryDto {
  @ApiPropertyOptional({
    example: 'mcp.server.state,mcp.catalog.changed',
    description: 'Comma-separated event type prefixes; default: every mcp.* event',
  })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z0-9._-]+(,[a-z0-9._-]+)*$/, { message: 'types must be comma-separated event type prefixes such as mcp.server.state' })
  types?: string;
}
