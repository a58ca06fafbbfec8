import { Injectable, OnModuleInit } from '@nestjs/common';
import { HubTool, HubToolRegistry } from '../../mcp/hub-tools/hub-tool-registry';
import { OnlineFeaturesDto } from '../features/feature-view.dto';
import { FeatureViewsService } from '../features/feature-views.service';
import { MaterializationsService } from '../features/materializations.service';
import { answer, checkedTool, dtoOf, object } from './tool-answers';

/** ml__list_feature_views and ml__get_online_features: the feature store's REST reads for MCP clients, with the same scope. */
@Injectable()
export class FeatureTools implements OnModuleInit {
  constructor(
    private readonly toolRegistry: HubToolRegistry,
    private readonly views: FeatureViewsService,
    private readonly materializations: MaterializationsService,
  ) {}

  onModuleInit(): void {
    this.toolRegistry.register(...this.tools().map((tool) => checkedTool(tool)));
  }

  private tools(): HubTool[] {
    return [
      {
        group: 'ml',
        scope: 'read',
        definition: {
          name: 'ml__list_feature_views',
          title: 'List feature views',
          description: 'The latest version of every feature view: its entities (key columns), source table, features (name, type, transform), TTL and whether it is online (ml__get_online_features reads those).',
          inputSchema: object({}, []),
          annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
        },
        call: () =>
          answer(async () => ({
            views: (await this.views.list()).map((v) => ({ name: v.name, version: v.version, entities: v.definition.entities, source: v.definition.source.table, ttlSeconds: v.definition.ttlSeconds, online: v.definition.online, features: v.definition.features })),
          })),
      },
      {
        group: 'ml',
        scope: 'read',
        definition: {
          name: 'ml__get_online_features',
          title: 'Read online feature values',
          description: 'Current feature values of entities from the online store (Redis). features: ["view:feature", ...]; entities: objects with the view\'s key columns, e.g. [{"customer_id": 7}]. A value the store does not hold is null, with status missing or expired.',
          inputSchema: object(
            {
              features: { type: 'array', items: { type: 'string', pattern: '^[a-z][a-z0-9_]*:[A-Za-z_][A-Za-z0-9_]*$' }, minItems: 1, maxItems: 200 },
              entities: { type: 'array', items: { type: 'object' }, minItems: 1, maxItems: 1000 },
            },
            ['features', 'entities'],
          ),
          annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
        },
        call: (args) =>
          answer(async () => {
            const dto = await dtoOf(OnlineFeaturesDto, args);
            return this.materializations.read(dto.features, dto.entities);
          }),
      },
    ];
  }
}
