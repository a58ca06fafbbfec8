import { OAuthCredentials } from './oauth/oauth-credentials.entity';
import { OAuthCredentialsStore } from './oauth/oauth-credentials.store';
import { UpstreamOAuth } from './oauth/upstream-oauth.service';
import { OAuthController } from './oauth/oauth.controller';
import { McpHubController } from './compat/mcp-hub.controller';
import { McpHubCompatService } from './compat/mcp-hub-compat.service';
import { PromptRenderService } from './prompts/prompt-render.service';
import { ResourceReadService } from './resources/resource-read.service';
import { ClientPresence } from './auto-shutdown/client-presence';
import { AutoShutdownService } from './auto-shutdown/auto-shutdown.service';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CATALOG_ENTITIES } from './catalog/catalog.entities';
import { CatalogRepository } from './catalog/catalog.repository';
import { CatalogService } from './catalog/catalog.service';
import { EventsController } from './events/events.controller';
import { PromptsController } from './prompts/prompts.controller';
import { ResourcesController } from './resources/resources.controller';
import { ServerRecord } from './servers-config/server-record.entity';
import { ServerRecords } from './servers-config/server-records.repository';
import { ServersConfigService } from './servers-config/servers-config.service';
import { ServersController } from './servers/servers.controller';
import { ServersService } from './servers/servers.service';
import { ToolCallService } from './tools/tool-call.service';
import { ToolsController } from './tools/tools.controller';
import { UpstreamManager } from './upstream/upstream-manager.service';
import { UpstreamGauges } from './upstream/upstream-gauges';
import { AggregateServerFactory } from './gateway/aggregate-server.factory';
import { McpEndpoints } from './gateway/mcp-endpoints';
import { McpIngress } from './gateway/mcp-ingress';
import { McpSessions } from './gateway/mcp-sessions.service';
import { RevokedKeySessions } from './gateway/revoked-key-sessions';
import { ToolEmbeddings } from './gateway/tool-embeddings.service';
import { MetaTools } from './gateway/meta-tools';
import { ResourceSubscriptions } from './gateway/resource-subscriptions';
import { SessionLogLevels } from './gateway/session-log-levels';
import { TaskOwners } from './gateway/task-owners';
import { ProxyServerFactory } from './gateway/proxy-server.factory';
import { RequestMeter } from './gateway/request-meter';
import { SessionDirectory } from './gateway/session-directory';
import { SessionForwarder } from './gateway/session-forwarder';
import { ReplicaUpstreamStates } from './servers/replica-upstream-states';
import { ProfilesController } from './profiles/profiles.controller';
import { HubToolsModule } from './hub-tools/hub-tools.module';

@Module({
  imports: [TypeOrmModule.forFeature([...CATALOG_ENTITIES, ServerRecord, OAuthCredentials]), HubToolsModule],
  controllers: [McpHubController, OAuthController, ServersController, ToolsController, ResourcesController, PromptsController, EventsController, ProfilesController],
  providers: [
    CatalogRepository,
    CatalogService,
    UpstreamManager,
    UpstreamGauges,
    ServerRecords,
    ServersConfigService,
    ServersService,
    ReplicaUpstreamStates,
    ToolCallService,
    RequestMeter,
    AggregateServerFactory,
    MetaTools,
    ResourceSubscriptions,
    SessionLogLevels,
    TaskOwners,
    ProxyServerFactory,
    SessionDirectory,
    SessionForwarder,
    McpSessions,
    RevokedKeySessions,
    McpEndpoints,
    McpIngress,
    ToolEmbeddings,
    ClientPresence,
    PromptRenderService,
    ResourceReadService,
    McpHubCompatService,
    OAuthCredentialsStore,
    UpstreamOAuth,
    AutoShutdownService,
  ],
  exports: [UpstreamManager, CatalogService, ToolCallService],
})
export class McpModule {}
