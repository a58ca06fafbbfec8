import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { ErrorResponseDto } from '../../platform/errors/error-response.dto';
import { IsResourceName } from '../resource-name';
import { StudiesService } from './studies.service';
import { CreateStudyDto } from './study.dto';

export class StudyParamsDto {
  @ApiProperty({ example: 'iris-gbm' })
  @IsResourceName()
  name!: string;
}

const STUDY_EXAMPLE = {
  id: '0193c1d2-…',
  name: 'iris-gbm',
  job: { adapter: 'sklearn', algorithm: 'gradient_boosting', dataset: 'iris', target: 'species' },
  searchSpace: { learning_rate: { type: 'float', low: 0.001, high: 1, log: true }, max_depth: { type: 'int', low: 1, high: 6 } },
  objective: { metric: 'accuracy', direction: 'maximize' },
  sampler: 'tpe',
  pruner: { kind: 'median' },
  seed: 42,
  maxTrials: 20,
  maxParallel: 2,
  timeoutSeconds: null,
  registerBestAs: 'iris-classifier',
  experiment: 'hpo-iris-gbm',
  status: 'completed',
  best: { number: 13, value: 0.967, params: { learning_rate: 0.12, max_depth: 3 }, jobId: '0193c1e0-…', runId: '0193c1e0-…', registered: { model: 'iris-classifier', version: 4 } },
  importances: { learning_rate: 0.81, max_depth: 0.19 },
  error: null,
  counts: { asked: 0, running: 0, complete: 16, pruned: 4, failed: 0, total: 20 },
  trials: [{ number: 0, state: 'complete', params: { learning_rate: 0.05, max_depth: 2 }, value: 0.933, jobId: '0193c1d3-…', durationMs: 2140, error: null }],
  createdAt: '2026-12-01T10:00:00.000Z',
  finishedAt: '2026-12-01T10:03:10.000Z',
  updatedAt: '2026-12-01T10:03:10.000Z',
};

@ApiTags('ml')
@Controller('ml/studies')
export class StudiesController {
  constructor(private readonly studies: StudiesService) {}

  @Post()
  @ApiOperation({
    summary: 'Start a hyper-parameter search: Optuna (TPE, random or grid; median or successive-halving pruning) asks, trials run as training jobs on BullMQ, maxParallel at a time',
  })
  @ApiCreatedResponse({ schema: { example: { ...STUDY_EXAMPLE, status: 'running', best: null, importances: null, finishedAt: null, trials: [] } } })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'A search space that does not fit the algorithm\'s hyperparameters, an unknown metric, a bad base job: each field named' })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'A study with this name exists' })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'Optuna (python3-optuna) or the queue is not available' })
  create(@Body() dto: CreateStudyDto) {
    return this.studies.create(dto);
  }

  @Get()
  @ApiOperation({ summary: 'Every study, newest first, with its trial counts and best trial' })
  @ApiOkResponse({ schema: { example: [{ ...STUDY_EXAMPLE, trials: undefined }] } })
  list() {
    return this.studies.list();
  }

  @Get(':name')
  @ApiOperation({ summary: 'A study: its trials (params, value, state, duration), the best trial and Optuna\'s parameter importances once it has ended' })
  @ApiOkResponse({ schema: { example: STUDY_EXAMPLE } })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  get(@Param() { name }: StudyParamsDto) {
    return this.studies.get(name);
  }

  @Post(':name/stop')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop a study: no new trials, running ones cancelled; it ends with the best trial so far' })
  @ApiOkResponse({ schema: { example: { ...STUDY_EXAMPLE, status: 'stopped' } } })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The study is not running' })
  stop(@Param() { name }: StudyParamsDto) {
    return this.studies.stop(name);
  }
}
