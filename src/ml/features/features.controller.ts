import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Min } from 'class-validator';
import { ErrorResponseDto } from '../../platform/errors/error-response.dto';
import { DatasetDto } from '../datasets/dataset.dto';
import { CreateFeatureViewDto, HistoricalFeaturesDto } from './feature-view.dto';
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
  version?: number;
}

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

  @Post('features/historical')
  @ApiOperation({
    summary: 'Point-in-time correct training data: each entity row gets, per feature, the latest value at or before its event_timestamp and within the view\'s TTL (never a later one); the result is a new dataset',
  })
  @ApiCreatedResponse({ type: DatasetDto })
  historicalFeatures(@Body() dto: HistoricalFeaturesDto) {
    return this.historical.retrieve(dto);
  }
}
