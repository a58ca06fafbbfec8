import { Injectable, OnModuleInit } from '@nestjs/common';
import { HubTool, HubToolRegistry } from '../../mcp/hub-tools/hub-tool-registry';
import { MAX_CHUNK_SIZE, SubmitBatchPredictionDto } from '../batch/batch-prediction.dto';
import { BatchPredictionsService, BatchPredictionView } from '../batch/batch-predictions.service';
import { answer, checkedTool, dtoOf, object } from './tool-answers';

const summary = (job: BatchPredictionView) => ({
  id: job.id,
  status: job.status,
  model: job.model,
  version: job.version,
  input: job.input,
  rowsDone: job.rowsDone,
  rowsTotal: job.rowsTotal,
  progress: job.progress,
  attempts: job.attempts,
  error: job.error,
  outputColumns: job.outputColumns,
  outputUrl: job.outputUrl,
  createdAt: job.createdAt,
  finishedAt: job.finishedAt,
});

/** ml__batch_predict and ml__batch_status: the batch prediction REST routes for MCP clients, with the same scopes. */
@Injectable()
export class BatchTools implements OnModuleInit {
  constructor(
    private readonly toolRegistry: HubToolRegistry,
    private readonly batches: BatchPredictionsService,
  ) {}

  onModuleInit(): void {
    this.toolRegistry.register(...this.tools().map((tool) => checkedTool(tool)));
  }

  private tools(): HubTool[] {
    return [
      {
        group: 'ml',
        scope: 'admin',
        definition: {
          name: 'ml__batch_predict',
          title: 'Predict a whole file with a registered model',
          description:
            'Queues a batch prediction over a registered dataset (datasetId) or a file (uri: local://<path inside DATA_DIR> or artifact://<key>) and returns the job; follow it with ml__batch_status. The ref (default production) is pinned to a version number now. The output (CSV or JSON Lines: row number or idColumn, prediction, one probability column per class) is downloaded from outputUrl once the job succeeded.',
          inputSchema: object(
            {
              model: { type: 'string', description: 'Registered model name (ml__list_models)' },
              ref: { type: 'string', description: 'Version number, alias, stage or latest; default production' },
              input: {
                type: 'object',
                properties: { datasetId: { type: 'string', description: 'Dataset id or name (ml__list_datasets)' }, uri: { type: 'string' }, format: { enum: ['csv', 'jsonl'] } },
                additionalProperties: false,
              },
              output: { type: 'object', properties: { format: { enum: ['csv', 'jsonl'] } }, required: ['format'], additionalProperties: false },
              idColumn: { type: 'string', description: "Input column copied into the output; default: the row's number" },
              chunkSize: { type: 'integer', minimum: 1, maximum: MAX_CHUNK_SIZE },
            },
            ['model', 'input'],
          ),
          annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
        },
        call: (args, context) => answer(async () => summary(await this.batches.submit(await dtoOf(SubmitBatchPredictionDto, args), context.actor))),
      },
      {
        group: 'ml',
        scope: 'read',
        definition: {
          name: 'ml__batch_status',
          title: 'Batch prediction status',
          description: 'Status, rows done of total, attempts, error and (once succeeded) the output URL of one batch prediction.',
          inputSchema: object({ id: { type: 'string', format: 'uuid', description: 'Batch prediction id (from ml__batch_predict)' } }, ['id']),
          annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
        },
        call: (args) => answer(async () => summary(await this.batches.get(String(args.id ?? '')))),
      },
    ];
  }
}
