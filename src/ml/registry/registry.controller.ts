import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Req, Res, StreamableFile } from '@nestjs/common';
import type { Response } from 'express';
import { ApiBadRequestResponse, ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedRequest } from '../../platform/auth/api-key.guard';
import { actorOf } from '../../platform/auth/api-keys.service';
import { ValidationFailedError } from '../../platform/errors/app-error';
import { ErrorResponseDto } from '../../platform/errors/error-response.dto';
import { CreateModelDto, ModelAliasParamsDto, ModelNameParamsDto, ModelRefParamsDto, ModelVersionParamsDto, RegisterVersionDto, SetAliasDto, stageOf, TransitionDto } from './registry.dto';
import { STAGES } from './registry.entities';
import { RegistryService } from './registry.service';
import { LifecycleQueryDto } from '../lifecycle';


const VERSION_EXAMPLE = {
  version: 3,
  stage: 'Production',
  artifactUri: 'file:///var/lib/mcp-hub/artifacts/training/0193…/model.pkl',
  metrics: { accuracy: 0.967 },
  signature: { inputs: [{ name: 'petal_length', type: 'number' }], output: { name: 'species', type: 'string', task: 'classification', classes: ['setosa', 'versicolor', 'virginica'] } },
};

@ApiTags('ml')
@Controller('ml/models')
@ApiBadRequestResponse({ type: ErrorResponseDto, description: 'A path parameter or field that breaks its rule, named in details' })
@ApiNotFoundResponse({ type: ErrorResponseDto, description: 'Unknown model, version or alias' })
export class RegistryController {
  constructor(private readonly registry: RegistryService) {}

  @Post()
  @ApiOperation({ summary: 'Create a registered model (registering a version creates it too)' })
  @ApiConflictResponse({ type: ErrorResponseDto })
  create(@Body() dto: CreateModelDto) {
    return this.registry.createModel(dto.name, dto.description, dto.tags);
  }

  @Get()
  @ApiOperation({ summary: 'List registered models: the active ones, or with lifecycle=deleted|all the soft-deleted ones too' })
  @ApiOkResponse({ schema: { example: [{ id: '0193a2c0-…', name: 'iris-classifier', description: 'Species from petal and sepal measurements', tags: { team: 'botany' }, deletedAt: null }] } })
  list(@Query() query: LifecycleQueryDto) {
    return this.registry.list(query.lifecycle);
  }

  @Delete(':name')
  @HttpCode(204)
  @ApiOperation({ summary: 'Soft-delete a model: hidden from the list, its versions and aliases frozen, restorable; recorded in its history' })
  async delete(@Param() { name }: ModelNameParamsDto, @Req() req: AuthenticatedRequest): Promise<void> {
    await this.registry.deleteModel(name, actorOf(req.principal));
  }

  @Post(':name/restore')
  @HttpCode(200)
  @ApiOperation({ summary: 'Restore a soft-deleted model' })
  @ApiOkResponse({ schema: { example: { name: 'iris-classifier', deletedAt: null, aliases: { champion: 3 }, versions: [VERSION_EXAMPLE] } } })
  restore(@Param() { name }: ModelNameParamsDto, @Req() req: AuthenticatedRequest) {
    return this.registry.restoreModel(name, actorOf(req.principal));
  }

  @Get(':name')
  @ApiOperation({ summary: 'A model with its versions (newest first) and aliases' })
  @ApiOkResponse({ schema: { example: { name: 'iris-classifier', aliases: { champion: 3 }, versions: [VERSION_EXAMPLE] } } })
  get(@Param() { name }: ModelNameParamsDto) {
    return this.registry.get(name);
  }

  @Post(':name/versions')
  @ApiOperation({
    summary: 'Register the next version from a succeeded training job (jobId) or a run (runId); the model is created when missing',
    description: "A job's signature comes from the dataset schema. A run logged by hand (POST /api/ml/experiments/{idOrName}/runs, then POST /api/ml/runs/{id}/artifacts and /finish) registers its uploaded file: a model trained elsewhere, signature unknown.",
  })
  @ApiBody({ type: RegisterVersionDto, examples: { job: { value: { jobId: '0193a2b3-4c5d-7e6f-8a9b-0c1d2e3f4a5b' } }, run: { value: { runId: '0193a2b4-5d6e-7f80-9a1b-2c3d4e5f6a7b', artifactPath: 'model.pkl', description: 'trained on the GPU box' } } } })
  @ApiCreatedResponse({ schema: { example: VERSION_EXAMPLE } })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The job did not succeed or the run is not finished, it is already registered, the run has no file, or the model or run is deleted' })
  register(@Param() { name }: ModelNameParamsDto, @Body() dto: RegisterVersionDto, @Req() req: AuthenticatedRequest) {
    return this.registry.register(name, dto, actorOf(req.principal));
  }

  @Get(':name/versions/:ref')
  @ApiOperation({ summary: 'One version by number, alias (champion), stage (production) or latest' })
  @ApiOkResponse({ schema: { example: VERSION_EXAMPLE } })
  version(@Param() { name, ref }: ModelRefParamsDto) {
    return this.registry.resolve(name, ref);
  }

  @Get(':name/versions/:ref/artifact')
  @ApiOperation({ summary: "Download a version's model file (checksum verified on read; X-Artifact-Sha256 carries it)" })
  @ApiProduces('application/octet-stream', 'application/json')
  @ApiOkResponse({ description: 'The model file: model.pkl (sklearn), model.pt (torch) or model.json (node)' })
  async artifact(@Param() { name, ref }: ModelRefParamsDto, @Res({ passthrough: true }) res: Response): Promise<StreamableFile> {
    const { version, body, fileName } = await this.registry.artifact(name, ref);
    res.setHeader('X-Artifact-Sha256', version.artifactSha256);
    res.setHeader('X-Model-Version', String(version.version));
    // Express quotes the name and adds an RFC 6266 filename* for anything beyond printable ASCII
    res.attachment(`${name}-v${version.version}-${fileName}`);
    res.setHeader('Content-Type', fileName.endsWith('.json') ? 'application/json' : 'application/octet-stream');
    return new StreamableFile(body);
  }

  @Post(':name/versions/:version/stage')
  @HttpCode(200)
  @ApiOperation({ summary: 'Move a version to None, Staging, Production or Archived; to Production archives the previous one atomically; rollback = promote an earlier version' })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'Invalid transition, Production occupied with archiveExisting=false, or the model is deleted' })
  transition(@Param() { name, version }: ModelVersionParamsDto, @Body() dto: TransitionDto, @Req() req: AuthenticatedRequest) {
    const stage = stageOf(dto.stage);
    if (!stage) throw new ValidationFailedError([{ field: 'stage', reason: `must be one of ${STAGES.join(', ')}` }]);
    return this.registry.transition(name, version, stage, dto, actorOf(req.principal));
  }

  @Put(':name/aliases/:alias')
  @ApiOperation({ summary: 'Point an alias at a version (moving it)' })
  @ApiOkResponse({ schema: { example: { champion: 3, challenger: 4 } } })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'A reserved alias, an Archived version, or the model is deleted' })
  setAlias(@Param() { name, alias }: ModelAliasParamsDto, @Body() dto: SetAliasDto, @Req() req: AuthenticatedRequest) {
    return this.registry.setAlias(name, alias, dto.version, actorOf(req.principal), dto.reason);
  }

  @Delete(':name/aliases/:alias')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove an alias' })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The model is deleted' })
  async removeAlias(@Param() { name, alias }: ModelAliasParamsDto, @Req() req: AuthenticatedRequest): Promise<void> {
    await this.registry.removeAlias(name, alias, actorOf(req.principal));
  }

  @Get(':name/history')
  @ApiOperation({ summary: 'The audit trail: versions created, stage transitions, alias moves — who, when, from, to, why' })
  @ApiOkResponse({ schema: { example: [{ seq: '7', version: 3, action: 'stage_transition', fromValue: 'Staging', toValue: 'Production', actor: 'key:release-bot', reason: 'beats v2', time: '2026-11-25T18:00:00Z' }] } })
  history(@Param() { name }: ModelNameParamsDto) {
    return this.registry.historyOf(name);
  }
}
