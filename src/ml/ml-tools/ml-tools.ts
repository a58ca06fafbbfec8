import { Injectable, OnModuleInit } from '@nestjs/common';
import { HubTool, HubToolRegistry } from '../../mcp/hub-tools/hub-tool-registry';
import { ValidationFailedError } from '../../platform/errors/app-error';
import { ADAPTER_CATALOG, ADAPTERS } from '../adapters/adapter-catalog';
import { DatasetsService } from '../datasets/datasets.service';
import { SubmitTrainingJobDto } from '../training/training-job.dto';
import { JOB_STATUSES } from '../training/training-job.entity';
import { TrainingJobsService, TrainingJobView } from '../training/training-jobs.service';
import { ExperimentsService } from '../experiments/experiments.service';
import { SearchRunsAcrossQueryDto } from '../experiments/experiment.dto';
import { LIFECYCLES } from '../lifecycle';
import { STAGES } from '../registry/registry.entities';
import { ALIAS, MAX_VERSION, RegisterVersionDto, stageOf } from '../registry/registry.dto';
import { RegistryService } from '../registry/registry.service';
import { answer, checkedTool, dtoOf, object } from './tool-answers';
import { ConcludeAbTestDto, CreateAbTestDto, MAX_VARIANTS, VARIANT_NAME } from '../ab-tests/ab-test.dto';
import { METRIC_KINDS } from '../ab-tests/ab-test.entity';
import { abTestView } from '../ab-tests/ab-test-view';
import { AbTestsService } from '../ab-tests/ab-tests.service';
import { AbTestResultsService } from '../ab-tests/ab-test-results.service';

const jobId = { type: 'string', format: 'uuid', description: 'Training job id' };

const jobSummary = (job: TrainingJobView) => ({
  id: job.id,
  status: job.status,
  adapter: job.adapter,
  algorithm: job.algorithm,
  task: job.task,
  target: job.target,
  progress: job.progress,
  stage: job.stage,
  attempts: job.attempts,
  metrics: job.metrics,
  error: job.error,
  artifact: job.artifact?.uri ?? null,
  runId: job.runId,
  registeredVersions: job.registeredVersions,
  createdAt: job.createdAt,
  finishedAt: job.finishedAt,
});

/** The ml__* tools on the hub's /mcp endpoint: datasets and training jobs for MCP clients. */
@Injectable()
export class MlTools implements OnModuleInit {
  constructor(
    private readonly toolRegistry: HubToolRegistry,
    private readonly datasets: DatasetsService,
    private readonly jobs: TrainingJobsService,
    private readonly models: RegistryService,
    private readonly experiments: ExperimentsService,
    private readonly abTests: AbTestsService,
    private readonly abResults: AbTestResultsService,
  ) {}

  onModuleInit(): void {
    this.toolRegistry.register(...this.tools().map((tool) => checkedTool(tool)));
  }

  private tools(): HubTool[] {
    const algorithms = [...new Set(ADAPTERS.flatMap((a) => Object.keys(ADAPTER_CATALOG[a].algorithms)))];
    return [
      {
        group: 'ml',
        scope: 'read',
        definition: {
          name: 'ml__list_datasets',
          title: 'List datasets',
          description: 'Lists the registered datasets with their row counts and columns (name, type, missing values), to choose a dataset and target for ml__train.',
          inputSchema: object({}),
          annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
        },
        call: () =>
          answer(async () => ({
            datasets: (await this.datasets.list()).map((d) => ({ id: d.id, name: d.name, uri: d.uri, rows: d.rowCount, columns: d.columns.map((c) => ({ name: c.name, type: c.type, missing: c.missing, distinct: c.distinct })) })),
          })),
      },
      {
        group: 'ml',
        scope: 'admin',
        definition: {
          name: 'ml__train',
          title: 'Train a model',
          description:
            'Queues a training job and returns its id; follow it with ml__job_status. Adapters: sklearn (random_forest, gradient_boosting, logistic_regression, linear_regression, ridge, svm, knn), torch (mlp), node (random_forest, logistic_regression, cart, knn, naive_bayes, linear_regression). The task is inferred from the target when omitted.',
          inputSchema: object(
            {
              adapter: { enum: [...ADAPTERS] },
              algorithm: { type: 'string', enum: algorithms },
              dataset: { type: 'string', description: 'Dataset name or id (ml__list_datasets)' },
              target: { type: 'string', description: 'Column to predict' },
              features: { type: 'array', items: { type: 'string' }, description: 'Default: every other column' },
              task: { enum: ['classification', 'regression'] },
              hyperparameters: { type: 'object', description: 'e.g. {"n_estimators": 200}' },
              validation: { type: 'object', properties: { holdout: { type: 'number' }, folds: { type: 'integer' } }, additionalProperties: false },
              seed: { type: 'integer' },
              experiment: { type: 'string' },
              registerAs: { type: 'string' },
              timeoutMs: { type: 'integer' },
            },
            ['adapter', 'algorithm', 'dataset', 'target'],
          ),
          annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
        },
        call: (args) =>
          answer(async () => {
            return jobSummary(await this.jobs.submit(await dtoOf(SubmitTrainingJobDto, args)));
          }),
      },
      {
        group: 'ml',
        scope: 'read',
        definition: {
          name: 'ml__job_status',
          title: 'Training job status',
          description: 'Status, progress, metrics, artifact and the last log lines of one training job.',
          inputSchema: object({ id: jobId }, ['id']),
          annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
        },
        call: (args) =>
          answer(async () => {
            const id = String(args.id ?? '');
            const job = await this.jobs.get(id);
            const logs = await this.jobs.lastLogLines(id, 10);
            return { ...jobSummary(job), hyperparameters: job.hyperparameters, validation: job.validation, lastLogs: logs.map((l) => `${l.level}: ${l.message}`) };
          }),
      },
      {
        group: 'ml',
        scope: 'read',
        definition: {
          name: 'ml__list_jobs',
          title: 'List training jobs',
          description: 'Training jobs, newest first, optionally only those with a given status.',
          inputSchema: object({ status: { enum: [...JOB_STATUSES, 'all', 'active'] }, limit: { type: 'integer', minimum: 1, maximum: 500 } }),
          annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
        },
        call: (args) => answer(async () => ({ jobs: (await this.jobs.list(typeof args.status === 'string' ? args.status : 'all', typeof args.limit === 'number' ? args.limit : 20)).map(jobSummary) })),
      },
      {
        group: 'ml',
        scope: 'admin',
        definition: {
          name: 'ml__cancel_job',
          title: 'Cancel a training job',
          description: 'Cancels a queued or running training job (its adapter process is stopped) and returns the job.',
          inputSchema: object({ id: jobId }, ['id']),
          annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
        },
        call: (args) => answer(async () => jobSummary(await this.jobs.cancel(String(args.id ?? '')))),
      },
      {
        group: 'ml',
        scope: 'read',
        definition: {
          name: 'ml__list_models',
          title: 'List registered models',
          description: 'Registered models with, for each, the version in Production and the aliases.',
          inputSchema: object({}),
          annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
        },
        call: () =>
          answer(async () => ({
            models: (await this.models.overview()).map(({ model, ...summary }) => ({ name: model.name, description: model.description, ...summary })),
          })),
      },
      {
        group: 'ml',
        scope: 'read',
        definition: {
          name: 'ml__get_model',
          title: 'Get a registered model',
          description: 'A registered model: every version with its stage, metrics, signature and artifact, and the aliases.',
          inputSchema: object({ name: { type: 'string' } }, ['name']),
          annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
        },
        call: (args) => answer(() => this.models.get(String(args.name ?? ''))),
      },
      {
        group: 'ml',
        scope: 'admin',
        definition: {
          name: 'ml__promote_model',
          title: 'Move a model version to a stage',
          description: 'Moves a version to Staging, Production, Archived or None. Promoting to Production archives the version there now; promoting an earlier version is a rollback. Recorded in the model history.',
          inputSchema: object(
            { name: { type: 'string' }, version: { type: 'integer', minimum: 1 }, stage: { enum: [...STAGES] }, reason: { type: 'string' }, archiveExisting: { type: 'boolean', default: true } },
            ['name', 'version', 'stage'],
          ),
          annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
        },
        call: (args, context) =>
          answer(async () => {
            const stage = stageOf(String(args.stage ?? ''));
            if (!stage) throw new ValidationFailedError([{ field: 'stage', reason: `must be one of ${STAGES.join(', ')}` }]);
            if (!Number.isInteger(args.version)) throw new ValidationFailedError([{ field: 'version', reason: 'must be a version number' }]);
            const version = await this.models.transition(String(args.name ?? ''), args.version as number, stage, { reason: typeof args.reason === 'string' ? args.reason : undefined, archiveExisting: args.archiveExisting !== false }, context.actor);
            return { name: args.name, version: version.version, stage: version.stage };
          }),
      },
      {
        group: 'ml',
        scope: 'read',
        definition: {
          name: 'ml__compare_runs',
          title: 'Compare experiment runs',
          description: 'Params and latest metrics of two or more runs side by side (key → run id → value).',
          inputSchema: object({ ids: { type: 'array', items: { type: 'string', format: 'uuid' }, minItems: 2 } }, ['ids']),
          annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
        },
        call: (args) => answer(() => this.experiments.compare(Array.isArray(args.ids) ? args.ids.map(String) : [])),
      },
      {
        group: 'ml',
        scope: 'read',
        definition: {
          name: 'ml__search_runs',
          title: 'Search experiment runs',
          description:
            "Runs of one or more experiments, like MLflow's search_runs. filter: clauses joined by \"and\", e.g. \"metrics.accuracy >= 0.9 and params.adapter IN ('node', 'sklearn') and attributes.status = 'FINISHED'\"; keys params.*, tags.*, metrics.* (latest value), attributes.status|run_name|run_id|start_time|end_time; ops = != > >= < <= LIKE ILIKE IN NOT IN. orderBy: \"metrics.accuracy desc\".",
          inputSchema: object(
            {
              experiments: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 100, description: 'Experiment names or ids' },
              filter: { type: 'string' },
              orderBy: { type: 'string' },
              limit: { type: 'integer', minimum: 1, maximum: 1000 },
              lifecycle: { enum: [...LIFECYCLES], description: 'active (default), deleted or all' },
            },
            ['experiments'],
          ),
          annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
        },
        call: (args) =>
          answer(async () => {
            const { experiments, ...options } = await dtoOf(SearchRunsAcrossQueryDto, args);
            return { runs: await this.experiments.searchRuns(experiments, options) };
          }),
      },
      {
        group: 'ml',
        scope: 'admin',
        definition: {
          name: 'ml__register_model',
          title: 'Register a model version',
          description:
            'Registers the next version of a registered model (created when missing) from a succeeded training job (jobId) or a finished run (runId): a run logged by hand registers the file uploaded to it (artifactPath when it has several). Recorded in the model history.',
          inputSchema: object(
            { name: { type: 'string', description: 'Registered model name' }, jobId, runId: { type: 'string', format: 'uuid', description: 'Run id (instead of jobId)' }, artifactPath: { type: 'string' }, description: { type: 'string' } },
            ['name'],
          ),
          annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
        },
        call: (args, context) =>
          answer(async () => {
            const { name, ...source } = args;
            const version = await this.models.register(String(name), await dtoOf(RegisterVersionDto, source), context.actor);
            return { name: args.name, version: version.version, stage: version.stage, runId: version.runId, trainingJobId: version.trainingJobId, artifactUri: version.artifactUri, metrics: version.metrics };
          }),
      },
      {
        group: 'ml',
        scope: 'admin',
        definition: {
          name: 'ml__set_alias',
          title: 'Point a model alias at a version',
          description: 'Points an alias (e.g. champion) at a version of a registered model, moving it from wherever it was. Recorded in the model history.',
          inputSchema: object(
            { name: { type: 'string' }, alias: { type: 'string', pattern: ALIAS.source }, version: { type: 'integer', minimum: 1, maximum: MAX_VERSION }, reason: { type: 'string', maxLength: 2000 } },
            ['name', 'alias', 'version'],
          ),
          annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
        },
        call: (args, context) =>
          answer(async () => ({ name: args.name, aliases: await this.models.setAlias(String(args.name), String(args.alias), args.version as number, context.actor, typeof args.reason === 'string' ? args.reason : undefined) })),
      },
      {
        group: 'ml',
        scope: 'admin',
        definition: {
          name: 'ml__create_ab_test',
          title: 'Create an A/B test',
          description:
            "Starts an A/B test of versions of one registered model. The first variant is the control; each variant's ref (version number, alias, stage or latest) is pinned to a version now. Units (users, sessions) are assigned by hashing (test name, unit id): sticky, weighted. Then predict through POST /api/ml/ab-tests/{name}/predict, report outcomes, and read ml__ab_test_results.",
          inputSchema: object(
            {
              name: { type: 'string', description: 'Test name' },
              model: { type: 'string', description: 'Registered model name' },
              variants: {
                type: 'array',
                minItems: 2,
                maxItems: MAX_VARIANTS,
                items: object({ name: { type: 'string', pattern: VARIANT_NAME.source }, ref: { type: 'string', description: 'Version number, alias, stage or latest' }, weight: { type: 'number', exclusiveMinimum: 0 } }, ['name', 'ref', 'weight']),
                description: 'The first is the control, e.g. [{"name":"control","ref":"production","weight":50},{"name":"treatment","ref":"4","weight":50}]',
              },
              metric: object({ kind: { enum: [...METRIC_KINDS] }, name: { type: 'string' } }, ['kind', 'name']),
              minimumDetectableEffect: { type: 'number', exclusiveMinimum: 0, description: 'Absolute difference worth detecting (0.02 = two points of conversion rate); gives the sample size still needed' },
              alpha: { type: 'number', default: 0.05 },
              power: { type: 'number', default: 0.8 },
            },
            ['name', 'model', 'variants', 'metric'],
          ),
          annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
        },
        call: (args, context) => answer(async () => abTestView(await this.abTests.create(await dtoOf(CreateAbTestDto, args), context.actor))),
      },
      {
        group: 'ml',
        scope: 'read',
        definition: {
          name: 'ml__ab_test_results',
          title: 'A/B test results',
          description:
            'Per variant: units assigned (n), outcomes, rate with Wilson interval or mean with t interval; against the control: pooled two-proportion z-test or Welch t-test with p-value and the difference with its interval; the sample-ratio-mismatch check (chi-square, flagged below p = 0.001); outcomes still needed for the planned effect; warnings.',
          inputSchema: object({ name: { type: 'string', description: 'Test name' } }, ['name']),
          annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
        },
        call: (args) => answer(async () => this.abResults.resultsOf(await this.abTests.get(String(args.name ?? '')))),
      },
      {
        group: 'ml',
        scope: 'admin',
        definition: {
          name: 'ml__conclude_ab_test',
          title: 'Conclude an A/B test',
          description:
            "Ends an A/B test. With a winner, the winner's version is promoted to Production through the registry (the version there is archived; both recorded in the model history under this caller). Without one, nothing is promoted. The results at that moment are kept with the conclusion.",
          inputSchema: object({ name: { type: 'string', description: 'Test name' }, winner: { type: 'string', description: 'Variant name; leave out for no winner' }, reason: { type: 'string', minLength: 1, maxLength: 2000 } }, ['name', 'reason']),
          annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
        },
        call: (args, context) =>
          answer(async () => {
            const { name, ...rest } = args;
            const dto = await dtoOf(ConcludeAbTestDto, rest);
            return abTestView(await this.abTests.conclude(String(name), dto.winner, dto.reason, context.actor));
          }),
      },
    ];
  }
}
