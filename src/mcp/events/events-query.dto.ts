import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';

export class EventsQueryDto {
  @ApiPropertyOptional({
    example: 'mcp.server.state,mcp.catalog.changed',
    description: 'Comma-separated event type prefixes; default: every mcp.* event',
  })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z0-9._-]+(,[a-z0-9._-]+)*$/, { message: 'types must be comma-separated event type prefixes such as mcp.server.state' })
  types?: string;

  @ApiPropertyOptional({ enum: ['hub', 'mcp-hub'], example: 'mcp-hub', description: 'mcp-hub: mcp-hub 4.2.1\'s event names and payloads (hub_state, heartbeat, subscription_event, log), for mcphub.nvim and its scripts' })
  @IsOptional()
  @IsIn(['hub', 'mcp-hub'])
  format?: 'hub' | 'mcp-hub';
}
