import { Injectable, OnModuleInit } from '@nestjs/common';
import { HubToolRegistry } from '../../mcp/hub-tools/hub-tool-registry';
import { AppConfig } from '../../platform/config/app-config';
import { ModelPredictor } from '../inference/model-predictor';
import { toolMaxRows } from './model-tool-schema';
import { predictionRowsOf, rowFieldOf, rowProblems } from './prediction-rows';
import { answer, checkedTool } from './tool-answers';

/** ml__predict: any registered model, any version, rows in and predictions out (POST /api/ml/models/{name}/predict over MCP). */
@Injectable()
export class PredictTool implements OnModuleInit {
  constructor(
    private readonly config: AppConfig,
    private readonly toolRegistry: HubToolRegistry,
    private readonly predictor: ModelPredictor,
  ) {}

  onModuleInit(): void {
    const maxRows = toolMaxRows(this.config.serving.maxRows);
    const rows = { type: 'array', items: { type: 'object' }, minItems: 1, maxItems: maxRows };
    this.toolRegistry.register(
      checkedTool(
        {
          group: 'ml',
          scope: 'read',
          definition: {
            name: 'ml__predict',
            title: 'Predict with a registered model',
            description:
              'Runs a registered model on rows and returns one prediction per row, class probabilities for classifiers, and the model version that answered. Each row is an object, column → value, with every input column of the version\'s signature (ml__get_model shows it). ref picks the version: a number, an alias (champion), a stage (production, staging) or latest; default the Production version. A row that does not fit the signature comes back as an error naming the row and the column.',
            inputSchema: {
              type: 'object',
              properties: {
                model: { type: 'string', minLength: 1, description: 'Registered model name (ml__list_models)' },
                ref: { type: 'string', minLength: 1, description: 'Version number, alias, stage or latest; default: the Production version' },
                rows: { ...rows, description: `1 to ${maxRows} rows, e.g. [{"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}]` },
                instances: { ...rows, description: 'The same as rows, under the name the REST body uses; give one of the two' },
              },
              required: ['model'],
              additionalProperties: false,
            },
            annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
          },
          call: (args, context) =>
            answer(async () => {
              const { rows, argument } = predictionRowsOf(args);
              return this.predictor.predict({ model: String(args.model), ...(typeof args.ref === 'string' ? { ref: args.ref } : {}), rows, fieldOf: rowFieldOf(argument), source: 'mcp', actor: context.actor });
            }),
        },
        { fields: rowProblems },
      ),
    );
  }
}
