import { Injectable, OnModuleInit } from '@nestjs/common';
import { HubTool, HubToolRegistry } from '../../mcp/hub-tools/hub-tool-registry';
import { StudiesService } from '../hpo/studies.service';
import { CreateStudyDto } from '../hpo/study.dto';
import { answer, checkedTool, dtoOf, object } from './tool-answers';

const NAME = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$' };

/** ml__start_study and ml__study_status: hyper-parameter search for MCP clients, with the REST routes' scopes. */
@Injectable()
export class StudyTools implements OnModuleInit {
  constructor(
    private readonly toolRegistry: HubToolRegistry,
    private readonly studies: StudiesService,
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
          name: 'ml__start_study',
          title: 'Start a hyper-parameter search',
          description:
            'Starts an Optuna study whose trials are training jobs. job: the base training job (adapter, algorithm, dataset, target, …; see ml__list_algorithms); ' +
            'searchSpace: {hyperparameter: {type: "int"|"float", low, high, log?} | {type: "categorical", choices}}; objective: {metric: "accuracy"|"f1_macro"|"rmse"|…}; ' +
            'sampler: tpe (default), random or grid; pruner: {kind: "median"|"successive-halving"}; maxTrials; maxParallel; registerBestAs. Follow it with ml__study_status.',
          inputSchema: object(
            {
              name: NAME,
              job: { type: 'object' },
              searchSpace: { type: 'object' },
              objective: { type: 'object', properties: { metric: { type: 'string' }, direction: { enum: ['maximize', 'minimize'] } }, required: ['metric'] },
              sampler: { enum: ['tpe', 'random', 'grid'] },
              pruner: { type: 'object', properties: { kind: { enum: ['median', 'successive-halving'] } }, required: ['kind'] },
              maxTrials: { type: 'integer', minimum: 1, maximum: 1000 },
              maxParallel: { type: 'integer', minimum: 1, maximum: 32 },
              timeoutSeconds: { type: 'integer', minimum: 1 },
              seed: { type: 'integer', minimum: 0 },
              registerBestAs: NAME,
              experiment: NAME,
            },
            ['name', 'job', 'searchSpace', 'objective', 'maxTrials'],
          ),
          annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
        },
        call: (args) =>
          answer(async () => {
            const study = await this.studies.create(await dtoOf(CreateStudyDto, args));
            return { name: study.name, status: study.status, maxTrials: study.maxTrials, maxParallel: study.maxParallel, objective: study.objective, experiment: study.experiment };
          }),
      },
      {
        group: 'ml',
        scope: 'read',
        definition: {
          name: 'ml__study_status',
          title: 'Hyper-parameter search status',
          description: "A study's progress: status, trial counts (complete, pruned, failed, running), the best trial (params and value), Optuna's parameter importances once it has ended, and the trials table.",
          inputSchema: object({ name: NAME }, ['name']),
          annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
        },
        call: (args) =>
          answer(async () => {
            const { job, searchSpace, ...study } = await this.studies.get(String(args.name));
            return { ...study, adapter: job.adapter, algorithm: job.algorithm, searchSpace };
          }),
      },
    ];
  }
}
