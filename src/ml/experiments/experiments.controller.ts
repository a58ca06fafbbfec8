import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Res, StreamableFile, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { rm } from 'node:fs/promises';
import { ValidationFailedError } from '../../platform/errors/app-error';
import type { Response } from 'express';
import { ApiBadRequestResponse, ApiConflictResponse, ApiNotFoundResponse, ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiPayloadTooLargeResponse, ApiProduces, ApiTags, ApiUnsupportedMediaTypeResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from '../../platform/errors/error-response.dto';
import { IdOrNameParamsDto, IdParamsDto } from '../resource-name';
import { CompareRunsQueryDto, CreateExperimentDto, CreateRunDto, FinishRunDto, LogMetricsDto, LogParamsDto, RunArtifactParamsDto, RunMetricParamsDto, SearchRunsAcrossQueryDto, SearchRunsQueryDto, SetTagsDto, UploadRunArtifactDto } from './experiment.dto';
import { ExperimentsService } from './experiments.service';
import { LifecycleQueryDto } from '../lifecycle';
import { RunArtifactsService } from './run-artifacts.service';

const RUN_EXAMPLE = {
  id: '0193a2b4-…',
  experimentId: '0193a2b0-…',
  status: 'finished',
  params: { adapter: 'sklearn', algorithm: 'random_forest', 'hp.n_estimators': '100', seed: '42' },
  tags: {},
  metrics: { accuracy: 0.9667, f1_macro: 0.9666 },
  datasetSha256: '9cc1c345…',
  trainingJobId: '0193a2b3-…',
};

@ApiTags('ml')
@Controller('ml')
@ApiBadRequestResponse({ type: ErrorResponseDto, description: 'A path parameter or field that breaks its rule, named in details' })
@ApiNotFoundResponse({ type: ErrorResponseDto })
export class ExperimentsController {
  constructor(
    private readonly experiments: ExperimentsService,
    private readonly artifacts: RunArtifactsService,
  ) {}

  @Post('experiments')
  @ApiOperation({ summary: 'Create an experiment (names are unique)' })
  @ApiConflictResponse({ type: ErrorResponseDto })
  create(@Body() dto: CreateExperimentDto) {
    return this.experiments.create(dto.name, dto.description);
  }

  @Get('experiments')
  @ApiOperation({ summary: 'List experiments: the active ones, or with lifecycle=deleted|all the soft-deleted ones too' })
  @ApiOkResponse({ schema: { example: [{ id: '0193a2b0-…', name: 'iris-baselines', description: 'Every adapter on Iris', createdAt: '2026-11-25T18:00:00Z', deletedAt: null }] } })
  list(@Query() query: LifecycleQueryDto) {
    return this.experiments.list(query.lifecycle);
  }

  @Delete('experiments/:idOrName')
  @HttpCode(204)
  @ApiOperation({ summary: 'Soft-delete an experiment: hidden from the list, takes no new runs or jobs, restorable; its runs are kept' })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The Default experiment cannot be deleted' })
  async delete(@Param() { idOrName }: IdOrNameParamsDto): Promise<void> {
    await this.experiments.delete(idOrName);
  }

  @Post('experiments/:idOrName/restore')
  @HttpCode(200)
  @ApiOperation({ summary: 'Restore a soft-deleted experiment' })
  @ApiOkResponse({ schema: { example: { id: '0193a2b0-…', name: 'iris-baselines', deletedAt: null } } })
  restore(@Param() { idOrName }: IdOrNameParamsDto) {
    return this.experiments.restore(idOrName);
  }

  @Get('experiments/:idOrName')
  @ApiOperation({ summary: 'One experiment' })
  get(@Param() { idOrName }: IdOrNameParamsDto) {
    return this.experiments.get(idOrName);
  }

  @Get('experiments/:idOrName/runs')
  @ApiOperation({ summary: 'Search the runs of an experiment: filter on params, tags and metrics, order by a metric; deleted runs only with lifecycle=deleted|all' })
  @ApiOkResponse({ schema: { example: [RUN_EXAMPLE] } })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'A filter or order it cannot read' })
  runs(@Param() { idOrName }: IdOrNameParamsDto, @Query() query: SearchRunsQueryDto) {
    return this.experiments.searchRuns(idOrName, query);
  }

  @Post('experiments/:idOrName/runs')
  @ApiOperation({ summary: 'Start a run by hand (training jobs create theirs)' })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The experiment is deleted' })
  createRun(@Param() { idOrName }: IdOrNameParamsDto, @Body() dto: CreateRunDto) {
    return this.experiments.createRun(idOrName, dto);
  }

  @Get('runs')
  @ApiOperation({ summary: "Search the runs of several experiments at once (MLflow's search_runs): filter on params, tags, metrics and attributes, order by a metric" })
  @ApiOkResponse({ schema: { example: [RUN_EXAMPLE] } })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'A filter or order it cannot read, or no experiments named' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'An unknown experiment' })
  search(@Query() { experiments, ...query }: SearchRunsAcrossQueryDto) {
    return this.experiments.searchRuns(experiments, query);
  }

  @Get('runs/compare')
  @ApiOperation({ summary: 'Compare runs side by side: params and latest metrics as key → run id → value' })
  @ApiOkResponse({ schema: { example: { runs: [RUN_EXAMPLE], params: { seed: { '0193a…': '42', '0193b…': '7' } }, metrics: { accuracy: { '0193a…': 0.9667, '0193b…': 0.9333 } } } } })
  compare(@Query() query: CompareRunsQueryDto) {
    return this.experiments.compare(query.ids.split(',').map((id) => id.trim()).filter(Boolean));
  }

  @Get('runs/:id')
  @ApiOperation({ summary: 'One run with its params, tags, artifacts and latest metrics' })
  @ApiOkResponse({ schema: { example: RUN_EXAMPLE } })
  run(@Param() { id }: IdParamsDto) {
    return this.experiments.getRun(id);
  }

  @Delete('runs/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Soft-delete a run: hidden from searches, closed to changes, restorable (a running training job still records into it)' })
  async deleteRun(@Param() { id }: IdParamsDto): Promise<void> {
    await this.experiments.deleteRun(id);
  }

  @Post('runs/:id/restore')
  @HttpCode(200)
  @ApiOperation({ summary: 'Restore a soft-deleted run' })
  @ApiOkResponse({ schema: { example: { ...RUN_EXAMPLE, deletedAt: null } } })
  restoreRun(@Param() { id }: IdParamsDto) {
    return this.experiments.restoreRun(id);
  }

  @Get('runs/:id/artifacts')
  @ApiOperation({ summary: "List a run's files: a training job's model file and metadata.json, and files uploaded to the run" })
  @ApiOkResponse({ schema: { example: [{ path: 'metadata.json', size: 1893, sha256: '5f0c…', contentType: 'application/json', createdAt: '2026-11-25T18:00:00Z' }, { path: 'model.json', size: 48213, sha256: '9a1e…', contentType: 'application/json', createdAt: '2026-11-25T18:00:00Z' }] } })
  async artifactList(@Param() { id }: IdParamsDto) {
    return this.artifacts.list(await this.experiments.getRun(id));
  }

  @Post('runs/:id/artifacts')
  @UseInterceptors(FileInterceptor('file'))
  @ApiOperation({
    summary: 'Upload a file to a run (multipart, field "file"): a model trained elsewhere, then register it with POST /api/ml/models/{name}/versions {runId}',
    description: 'Files are write-once. The size limit is DATASET_MAX_UPLOAD_MB.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' }, path: { type: 'string', example: 'model.pkl', description: 'Default: the uploaded file name' } }, required: ['file'] } })
  @ApiCreatedResponse({ schema: { example: { path: 'model.pkl', size: 181234, sha256: '9a1e…', contentType: 'application/octet-stream', createdAt: '2026-11-25T18:00:00Z' } } })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The run is deleted, or already has a file at that path' })
  @ApiPayloadTooLargeResponse({ type: ErrorResponseDto, description: 'The file is larger than DATASET_MAX_UPLOAD_MB' })
  @ApiUnsupportedMediaTypeResponse({ type: ErrorResponseDto, description: 'Neither multipart/form-data nor JSON' })
  async upload(@Param() { id }: IdParamsDto, @Body() dto: UploadRunArtifactDto, @UploadedFile() file?: { path: string; originalname: string; mimetype: string }) {
    try {
      if (!file) throw new ValidationFailedError([{ field: 'file', reason: 'upload the file as multipart/form-data, field "file"' }]);
      return await this.artifacts.uploadTo(id, dto.path, file);
    } finally {
      if (file) await rm(file.path, { force: true });
    }
  }

  @Get('runs/:id/artifacts/:path')
  @ApiOperation({ summary: "Download one of a run's files (checksum verified on read; X-Artifact-Sha256 carries it)" })
  @ApiProduces('application/octet-stream', 'application/json')
  @ApiOkResponse({ description: 'The file, e.g. metadata.json or model.pkl' })
  async artifact(@Param() { id, path }: RunArtifactParamsDto, @Res({ passthrough: true }) res: Response): Promise<StreamableFile> {
    const { meta, body } = await this.artifacts.get(await this.experiments.getRun(id), path);
    res.setHeader('X-Artifact-Sha256', meta.sha256);
    res.attachment(path);
    res.setHeader('Content-Type', meta.contentType);
    return new StreamableFile(body);
  }

  @Post('runs/:id/params')
  @HttpCode(200)
  @ApiOperation({ summary: 'Log params (write-once)' })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'A key is already set to another value, or the run is deleted' })
  params(@Param() { id }: IdParamsDto, @Body() dto: LogParamsDto) {
    return this.experiments.logParams(id, dto.params);
  }

  @Patch('runs/:id/tags')
  @ApiOperation({ summary: 'Set tags (they may change)' })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The run is deleted' })
  tags(@Param() { id }: IdParamsDto, @Body() dto: SetTagsDto) {
    return this.experiments.setTags(id, dto.tags);
  }

  @Post('runs/:id/metrics')
  @HttpCode(204)
  @ApiOperation({ summary: 'Append metric points (key, value, step)' })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The run is deleted' })
  async metrics(@Param() { id }: IdParamsDto, @Body() dto: LogMetricsDto): Promise<void> {
    await this.experiments.logMetrics(id, dto.metrics);
  }

  @Get('runs/:id/metrics/:key')
  @ApiOperation({ summary: "A metric's full history, by step" })
  @ApiOkResponse({ schema: { example: [{ step: 1, value: 0.82, time: '2026-11-25T18:00:00Z' }, { step: 2, value: 0.41, time: '2026-11-25T18:00:01Z' }] } })
  history(@Param() { id, key }: RunMetricParamsDto) {
    return this.experiments.metricHistory(id, key);
  }

  @Post('runs/:id/finish')
  @HttpCode(204)
  @ApiOperation({ summary: 'End a run by hand; without a body (or status) it ends finished' })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The run is deleted' })
  async finish(@Param() { id }: IdParamsDto, @Body() dto: FinishRunDto): Promise<void> {
    await this.experiments.finishRun(id, dto.status ?? 'finished');
  }
}
