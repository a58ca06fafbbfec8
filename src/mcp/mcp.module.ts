import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CATALOG_ENTITIES } from './catalog/catalog.entities';
import { CatalogRepository } from './catalog/catalog.repository';
import { CatalogService } from './catalog/catalog.service';
import { EventsController } from './events/events.controller';
import { PromptsController } from './prompts/prompts.controller';
import { ResourcesController } from './resources/resources.controller';
import { ServerRecord } from './servers-config/server-record.entity';
import { ServersConfigService } from './servers-config/servers-config.service';
import { ServersController } from './servers/servers.controller';
import { ServersService } from './servers/servers.service';
import { ToolCallService } from './tools/tool-call.service';
import { ToolsController } from './tools/tools.controller';
import { UpstreamManager } from './upstream/upstream-manager.service';

@Module({
  imports: [TypeOrmModule.forFeature([...CATALOG_ENTITIES, ServerRecord])],
  controllers: [ServersController, ToolsController, ResourcesController, PromptsController, EventsController],
  providers: [CatalogRepository, CatalogService, UpstreamManager, ServersConfigService, ServersService, ToolCallService],
  exports: [UpstreamManager, CatalogService, ToolCallService],
})
export class McpModule {}
