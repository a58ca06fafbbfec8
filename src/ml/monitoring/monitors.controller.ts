import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { renderDriftReport } from './drift-report-html';
import { ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { ErrorResponseDto } from '../../platform/errors/error-response.dto';
import { ModelNameParamsDto } from '../registry/registry.dto';
import { CreateMonitorDto } from './monitor.dto';
import { MonitorsService } from './monitors.service';

export class MonitorRunParamsDto extends ModelNameParamsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  runId!: string;
}

export class MonitorRunsQueryDto {
  @ApiPropertyOptional({ example: 100, description: '1-1000, default 100' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

const RUN_EXAMPLE = {
  id: '0193d1e2-…',
  version: 3,
  windowFrom: '2026-12-01T09:00:00.000Z',
  windowTo: '2026-12-01T10:00:00.000Z',
  currentRows: 1200,
  status: 'drift',
  drifted: ['petal_length'],
  share: 0.25,
  columns: [{ name: 'petal_length', kind: 'numeric', test: 'wasserstein', statistic: 0.31, pValue: null, drifted: true, psi: 0.41, psiLevel: 'drift' }],
  predictionDrift: true,
  predictions: [{ name: 'prediction', kind: 'categorical', test: 'jensen-shannon', statistic: 0.18, pValue: null, drifted: true, psi: 0.27, psiLevel: 'drift' }],
  performance: { metric: 'accuracy', reference: 0.967, current: 0.71, decline: 0.27, decayed: true, rows: 240, metrics: { accuracy: 0.71, f1_macro: 0.69 } },
  error: null,
};

/** Drift monitors over live predictions; the `name` route parameter is the monitor's. */
@ApiTags('ml')
@Controller('ml/monitors')
export class MonitorsController {
  constructor(private readonly monitors: MonitorsService) {}

  @Post()
  @ApiOperation({
    summary: "Monitor a model every everySeconds (a BullMQ job scheduler): its logged inputs against its training data, its predictions against its own predictions on that data, and its metric on reported ground truth",
  })
  @ApiCreatedResponse({ schema: { example: { id: '0193d1e0-…', name: 'iris-inputs', model: 'iris-classifier', ref: 'production', everySeconds: 3600, windowSeconds: 86400, minRows: 100 } } })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'A monitor with this name exists' })
  create(@Body() dto: CreateMonitorDto) {
    return this.monitors.create(dto);
  }

  @Get()
  @ApiOperation({ summary: 'Every monitor' })
  list() {
    return this.monitors.list();
  }

  @Get(':name')
  @ApiOperation({ summary: 'A monitor and its latest run' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  get(@Param() { name }: ModelNameParamsDto) {
    return this.monitors.get(name);
  }

  @Get(':name/runs')
  @ApiOperation({ summary: "A monitor's runs, newest first (per input column and per output: statistic, p-value or distance, drifted; share of drifted columns; performance on ground truth)" })
  @ApiOkResponse({ schema: { example: [RUN_EXAMPLE] } })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  runs(@Param() { name }: ModelNameParamsDto, @Query() { limit }: MonitorRunsQueryDto) {
    return this.monitors.history(name, limit ?? 100);
  }

  @Get(':name/runs/:runId/report.html')
  @ApiOperation({ summary: "A run's drift report as one self-contained HTML page: per column the verdict and a chart of the reference and current distributions" })
  @ApiProduces('text/html')
  @ApiOkResponse({ description: 'An HTML page', schema: { type: 'string', example: '<!doctype html><html lang="en"><head><title>Drift report: iris-inputs</title>…</head><body><h1>Drift report: iris-inputs</h1>…<svg role="img" …></svg>…</body></html>' } })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async reportHtml(@Param() { name, runId }: MonitorRunParamsDto, @Res({ passthrough: true }) res: Response): Promise<string> {
    const { monitor, run } = await this.monitors.runOf(name, runId);
    res.type('text/html; charset=utf-8');
    return renderDriftReport(monitor, run);
  }

  @Post(':name/run')
  @HttpCode(200)
  @ApiOperation({ summary: 'Run a monitor now (over the predictions since its previous run)' })
  @ApiOkResponse({ schema: { example: RUN_EXAMPLE } })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  run(@Param() { name }: ModelNameParamsDto) {
    return this.monitors.runNow(name);
  }

  @Delete(':name')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a monitor, its schedule and its runs' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async remove(@Param() { name }: ModelNameParamsDto): Promise<void> {
    await this.monitors.remove(name);
  }
}
