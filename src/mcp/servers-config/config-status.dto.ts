import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ConfigStatusDto {
  @ApiProperty({ example: '/srv/mcp-hub/mcp-servers.json' })
  path!: string;

  @ApiProperty({ example: ['/srv/mcp-hub/mcp-servers.json', '/home/ada/.config/mcphub/servers.json'], type: [String], description: 'Every config file in merge order (a server in a later one replaces the earlier one)' })
  paths!: string[];

  @ApiProperty({ example: true })
  exists!: boolean;

  @ApiProperty({ example: true, description: 'False when the last read of the files failed as a whole (syntax, dependency cycle); the last good configuration keeps running' })
  ok!: boolean;

  @ApiProperty({
    example: ['mcpServers.github.env.TOKEN: environment variable GITHUB_TOKEN is not set'],
    type: [String],
    description: 'With ok false: why the files were rejected. With ok true: entries that cannot run as written, each disabled (its state says why) while the others run',
  })
  problems!: string[];

  @ApiPropertyOptional({ example: '2026-11-25T15:00:00.000Z', description: 'When the running file configuration was loaded' })
  loadedAt?: string;

  @ApiPropertyOptional({ example: '2026-11-25T15:02:10.000Z', description: 'When the file was last read, successfully or not' })
  checkedAt?: string;

  @ApiProperty({ example: 3, description: 'Servers from the file in the running configuration' })
  fileServers!: number;

  @ApiProperty({ example: 1, description: 'Servers added over the API' })
  apiServers!: number;

  @ApiProperty({ example: true })
  watching!: boolean;
}
