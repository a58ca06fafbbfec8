import { Injectable, OnModuleInit } from '@nestjs/common';
import { HubToolRegistry } from '../../mcp/hub-tools/hub-tool-registry';
import { ExplainBodyDto, MAX_EXPLAINED_ROWS } from '../explain/explain.dto';
import { ExplainService } from '../explain/explain.service';
import { answer, checkedTool, dtoOf, object } from './tool-answers';

/** ml__explain: local explanations for MCP clients, with the REST route's scope. */
@Injectable()
export class ExplainTool implements OnModuleInit {
  constructor(
    private readonly toolRegistry: HubToolRegistry,
    private readonly explanations: ExplainService,
  ) {}

  onModuleInit(): void {
    this.toolRegistry.register(
      checkedTool({
        group: 'ml',
        scope: 'read',
        definition: {
          name: 'ml__explain',
          title: 'Explain predictions',
          description:
            "Why a registered model predicted what it did: for each row, each input column's contribution (Shapley value) to the output, against a background sample of the training data. " +
            'Classifiers explain the probability of the predicted class. baseValue + the contributions = value. rows: objects with every input column; ref as for ml__predict.',
          inputSchema: object(
            {
              model: { type: 'string' },
              ref: { type: 'string' },
              rows: { type: 'array', items: { type: 'object' }, minItems: 1, maxItems: MAX_EXPLAINED_ROWS },
              method: { enum: ['auto', 'exact', 'sampled'] },
              permutations: { type: 'integer', minimum: 2, maximum: 10000 },
            },
            ['model', 'rows'],
          ),
          annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
        },
        call: (args) =>
          answer(async () => {
            const dto = await dtoOf(ExplainBodyDto, { instances: args.rows, method: args.method, permutations: args.permutations });
            return this.explanations.explain(String(args.model), typeof args.ref === 'string' ? args.ref : undefined, dto);
          }),
      }),
    );
  }
}
