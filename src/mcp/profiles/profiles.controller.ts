import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ServersConfigService } from '../servers-config/servers-config.service';
import { UpstreamManager } from '../upstream/upstream-manager.service';

export class ProfileDto {
  @ApiProperty({ example: 'coding' })
  name!: string;

  @ApiProperty({ example: ['everything', 'memory'] })
  servers!: string[];

  @ApiProperty({ example: ['everything__*', 'memory__read_*'], description: 'Globs over <server>__<tool>' })
  include!: string[];

  @ApiProperty({ example: ['*__delete_*'] })
  exclude!: string[];

  @ApiProperty({ example: [], description: 'Listed servers the hub does not know' })
  missingServers!: string[];

  @ApiProperty({ example: '/mcp/profiles/coding' })
  endpoint!: string;
}

@ApiTags('profiles')
@Controller('profiles')
export class ProfilesController {
  constructor(
    private readonly config: ServersConfigService,
    private readonly upstreams: UpstreamManager,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Profiles from the servers file, each served at /mcp/profiles/:name' })
  @ApiOkResponse({ type: [ProfileDto] })
  list(): ProfileDto[] {
    const known = new Set(this.upstreams.statuses().map((s) => s.name));
    return this.config.profiles().map((p) => ({ ...p, missingServers: p.servers.filter((s) => !known.has(s)), endpoint: `/mcp/profiles/${p.name}` }));
  }
}
