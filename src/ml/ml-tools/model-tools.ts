import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { HubTool, HubToolRegistry } from '../../mcp/hub-tools/hub-tool-registry';
import { AppConfig } from '../../platform/config/app-config';
import { AppError } from '../../platform/errors/app-error';
import { EventBus } from '../../platform/events/event-bus';
import { InstanceRole } from '../../platform/instance/instance-role';
import { ModelPredictor } from '../inference/model-predictor';
import { RegistryChangeRelay } from '../registry/registry-change-relay';
import { RegistryService } from '../registry/registry.service';
import { modelToolDescription, modelToolTitle, ServedVersion } from './model-tool-description';
import { modelToolNames } from './model-tool-name';
import { predictionOutputSchema, rowsInputSchema, toolMaxRows } from './model-tool-schema';
import { rowFieldOf, rowProblems } from './prediction-rows';
import { servedRef } from './served-ref';
import { answer, checkedTool, errorBody } from './tool-answers';

const SET = 'model-tools';

/**
 * A domain error as the result of a model tool: text only, since a tool with an outputSchema must
 * return structured content of that shape or none.
 */
function errorResult(error: AppError): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(errorBody(error), null, 2) }], isError: true };
}

interface ToolSchemas {
  input: ReturnType<typeof rowsInputSchema>;
  output: ReturnType<typeof predictionOutputSchema>;
}

/** A served version as the registry has it: its row id keys the schemas built for it. */
type ServedRow = ServedVersion & { version: { id: string } };

/**
 * Every registered model with a Production version (or a configured alias) as its own MCP tool,
 * `model__<name>`, typed by the served version's signature. The set is rebuilt whenever the registry
 * changes, here or on another instance, and the gateway tells connected sessions (tools/list_changed).
 */
@Injectable()
export class ModelTools implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('ModelTools');
  private readonly unsubscribe: (() => void)[] = [];
  private rebuilding?: Promise<void>;
  private again = false;
  /** The tools' schemas by version id, for the versions served now. */
  private schemas = new Map<string, ToolSchemas>();

  constructor(
    private readonly config: AppConfig,
    private readonly role: InstanceRole,
    private readonly toolRegistry: HubToolRegistry,
    private readonly registry: RegistryService,
    private readonly predictor: ModelPredictor,
    private readonly bus: EventBus,
    private readonly relay: RegistryChangeRelay,
  ) {}

  /** Boot waits for the first set, so a client connecting at "ready" sees every model tool. */
  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.modelTools.enabled || this.role.role !== 'api') return;
    this.unsubscribe.push(this.bus.subscribe(() => this.refresh(), ['ml.model.']));
    this.unsubscribe.push(this.relay.onRemoteChange(() => this.refresh()));
    this.refresh();
    await this.rebuilding;
  }

  onModuleDestroy(): void {
    for (const stop of this.unsubscribe) stop();
  }

  /** Rebuilds the set; changes arriving meanwhile cause one more rebuild after it, not one each. */
  private refresh(): void {
    if (this.rebuilding) {
      this.again = true;
      return;
    }
    this.rebuilding = this.rebuild()
      .catch((error: Error) => this.logger.warn(`Rebuilding the model tools failed (kept the previous ones): ${error.message}`))
      .finally(() => {
        this.rebuilding = undefined;
        if (this.again) {
          this.again = false;
          this.refresh();
        }
      });
  }

  private async rebuild(): Promise<void> {
    const served = await this.servedVersions();
    const names = modelToolNames(served.map((s) => s.model.name));
    // a version's signature never changes: its schemas are kept, so the shared validator does not compile them again
    const previous = this.schemas;
    this.schemas = new Map(served.map((s) => [s.version.id, previous.get(s.version.id) ?? this.schemasOf(s)]));
    const tools = served.map((s) => this.toolFor(names.get(s.model.name)!, s));
    if (this.toolRegistry.replaceSet(SET, tools)) this.logger.log(`Model tools on /mcp: ${tools.map((t) => t.definition.name).join(', ') || 'none'}`);
  }

  /** The version each model's tool serves; models without one, or whose version has no input columns (uploaded to a run), are left out. */
  private async servedVersions(): Promise<ServedRow[]> {
    const picks = (await this.registry.overview()).flatMap((summary) => {
      const pick = servedRef(summary, this.config.modelTools.aliases);
      return pick ? [{ model: summary.model, ...pick }] : [];
    });
    const rows = await this.registry.versionsOf(picks.map((p) => ({ modelId: p.model.id, version: p.version })));
    // a version missing here was deleted or changed since the overview was read: the next rebuild, already scheduled by that change, settles it
    return picks.flatMap(({ model, version: number, ref }) => {
      const version = rows.find((v) => v.modelId === model.id && v.version === number);
      return version?.signature.inputs.length ? [{ model, version, ref }] : [];
    });
  }

  private schemasOf(served: ServedRow): ToolSchemas {
    return { input: rowsInputSchema(served.version.signature, toolMaxRows(this.config.serving.maxRows)), output: predictionOutputSchema(served.version.signature) };
  }

  private toolFor(name: string, served: ServedRow): HubTool {
    const maxRows = toolMaxRows(this.config.serving.maxRows);
    const { input: inputSchema, output: outputSchema } = this.schemas.get(served.version.id)!;
    const model = served.model.name;
    return checkedTool(
      {
        group: 'ml',
        scope: 'read',
        definition: {
          name,
          title: modelToolTitle(served),
          description: modelToolDescription(served, maxRows),
          inputSchema,
          outputSchema,
          annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
        },
        call: (args, context) => {
          // the Production version is what a request without a ref gets, the route the serving runtime keeps warm
          const ref = served.ref === 'production' ? {} : { ref: served.ref };
          return answer(() => this.predictor.predict({ model, ...ref, rows: args.rows as Record<string, unknown>[], fieldOf: rowFieldOf('rows'), source: 'mcp', actor: context.actor }), errorResult);
        },
      },
      { fields: rowProblems, render: errorResult },
    );
  }
}
