import { MAX_VERSION } from '../registry/registry.dto';
import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { RequireScope } from '../../platform/auth/auth.decorators';
import { MaterializationsService } from './materializations.service';
import { ApiAcceptedResponse, ApiConflictResponse, ApiBadRequestResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsUUID, Matches, Max, Min } from 'class-validator';
import { ErrorResponseDto } from '../../platform/errors/error-response.dto';
import { DatasetDto } from '../datasets/dataset.dto';
import { CreateFeatureViewDto, HistoricalFeaturesDto, MaterializeDto, OnlineFeaturesDto, OnlineFeaturesQueryDto } from './feature-view.dto';
import { FeatureViewsService } from './feature-views.service';
import { HistoricalFeaturesService } from './historical-features.service';

export class FeatureViewParamsDto {
  @ApiProperty({ example: 'customer_stats' })
  @Matches(/^[a-z][a-z0-9_]{0,62}$/, { message: 'name must be lower-case letters, digits and "_", starting with a letter' })
  name!: string;
}

export class FeatureViewVersionQueryDto {
  @ApiPropertyOptional({ example: 1, description: 'Default: the latest' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_VERSION)
  version?: number;
}

export class MaterializationQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'A job from POST …/materialize' })
  @IsOptional()
  @IsUUID()
  jobId?: string;
}

const ONLINE_EXAMPLE = {
  results: [
    { entity: { customer_id: 1 }, values: { 'customer_stats:amount': 100 }, statuses: { 'customer_stats:amount': 'present' } },
    { entity: { customer_id: 9 }, values: { 'customer_stats:amount': null }, statuses: { 'customer_stats:amount': 'missing' } },
  ],
};

const VIEW_EXAMPLE = {
  id: '0193b0c1-…',
  name: 'customer_stats',
  version: 2,
  definition: {
    entities: ['customer_id'],
    source: { table: 'public.customer_stats' },
    timestampColumn: 'updated_at',
    features: [
      { name: 'amount_log', column: 'amount', type: 'float', transform: { kind: 'log' } },
      { name: 'segment', column: 'segment', type: 'string', transform: { kind: 'one-hot', categories: ['gold', 'silver'] } },
    ],
    ttlSeconds: 86400,
    online: true,
  },
  createdAt: '2026-11-30T10:00:00.000Z',
};

@ApiTags('ml')
@Controller('ml')
@ApiBadRequestResponse({ type: ErrorResponseDto, description: 'A field that breaks its rule or does not fit the source (unknown column, wrong type), named in details' })
export class FeaturesController {
  constructor(
    private readonly views: FeatureViewsService,
    private readonly historical: HistoricalFeaturesService,
    private readonly materializations: MaterializationsService,
  ) {}

  @Post('feature-views')
  @ApiOperation({ summary: 'Apply a feature view: 201 with a new version when the definition changed, 200 with the latest when it is the same' })
  @ApiCreatedResponse({ schema: { example: VIEW_EXAMPLE } })
  async apply(@Body() dto: CreateFeatureViewDto, @Res({ passthrough: true }) res: Response) {
    const { view, created } = await this.views.apply(dto);
    res.status(created ? 201 : 200);
    return view;
  }

  @Get('feature-views')
  @ApiOperation({ summary: 'The latest version of every feature view' })
  @ApiOkResponse({ schema: { example: [VIEW_EXAMPLE] } })
  list() {
    return this.views.list();
  }

  @Get('feature-views/:name')
  @ApiOperation({ summary: 'A feature view (the latest version, or ?version=N)' })
  @ApiOkResponse({ schema: { example: VIEW_EXAMPLE } })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  get(@Param() { name }: FeatureViewParamsDto, @Query() { version }: FeatureViewVersionQueryDto) {
    return this.views.get(name, version);
  }

  @Get('feature-views/:name/versions')
  @ApiOperation({ summary: 'Every version of a feature view, newest first' })
  @ApiOkResponse({ schema: { example: [VIEW_EXAMPLE] } })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  versions(@Param() { name }: FeatureViewParamsDto) {
    return this.views.versions(name);
  }

  @Post('feature-views/:name/materialize')
  @HttpCode(202)
  @ApiOperation({ summary: 'Queue a materialisation of an online view into Redis: incremental from the last watermark (or the given window), idempotent; everySeconds also schedules it' })
  @ApiAcceptedResponse({ schema: { example: { jobId: '0193b0d2-…', view: 'customer_stats', version: 3, schedule: { everySeconds: 300 } } } })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The view is not online' })
  materialize(@Param() { name }: FeatureViewParamsDto, @Body() dto: MaterializeDto) {
    return this.materializations.submit(name, dto);
  }

  @Get('feature-views/:name/materialization')
  @ApiOperation({ summary: 'The view\'s watermark and last run (source rows read, entities written, expired), and a job\'s state with ?jobId=' })
  @ApiOkResponse({
    schema: {
      example: {
        view: 'customer_stats',
        version: 3,
        watermark: '2026-11-30T10:00:00.000Z',
        lastRun: { jobId: '0193b0d2-…', version: 3, from: '2026-11-30T09:00:00.000Z', to: '2026-11-30T10:00:00.000Z', sourceRows: 1200, entities: 800, expired: 0, startedAt: '…', finishedAt: '…' },
        job: { id: '0193b0d2-…', state: 'completed', progress: { entities: 800 }, failedReason: null },
      },
    },
  })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  materialization(@Param() { name }: FeatureViewParamsDto, @Query() { jobId }: MaterializationQueryDto) {
    return this.materializations.status(name, jobId);
  }

  @Post('features/online')
  @HttpCode(200)
  @RequireScope('read')
  @ApiOperation({ summary: 'Online feature values for entities from Redis; a value the store does not hold is null with its status (missing, expired)' })
  @ApiOkResponse({ schema: { example: ONLINE_EXAMPLE } })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The view is not online' })
  onlineFeatures(@Body() dto: OnlineFeaturesDto) {
    return this.materializations.read(dto.features, dto.entities);
  }

  @Get('features/online')
  @ApiOperation({ summary: 'The same read as a GET: ?features=view:a,view:b&entities=[{"customer_id":1}] (entities as JSON)' })
  @ApiOkResponse({ schema: { example: ONLINE_EXAMPLE } })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The view is not online' })
  onlineFeaturesByQuery(@Query() dto: OnlineFeaturesQueryDto) {
    return this.materializations.read(dto.features, dto.entities);
  }

  @Post('features/historical')
  @ApiOperation({
    summary: 'Point-in-time correct training data: each entity row gets, per feature, the latest value at or before its event_timestamp and within the view\'s TTL (never a later one); the result is a new dataset',
  })
  @ApiCreatedResponse({ type: DatasetDto })
  historicalFeatures(@Body() dto: HistoricalFeaturesDto) {
    return this.historical.retrieve(dto);
  }
}
