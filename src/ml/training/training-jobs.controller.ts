import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { ErrorResponseDto } from '../../platform/errors/error-response.dto';
import { JobLogsQueryDto, ListTrainingJobsQueryDto, SubmitTrainingJobDto, TrainingJobDto, TrainingJobLogDto } from './training-job.dto';
import { TrainingJobsService } from './training-jobs.service';
import { IdParamsDto } from '../resource-name';

@ApiTags('ml')
@Controller('ml/training-jobs')
export class TrainingJobsController {
  constructor(private readonly jobs: TrainingJobsService) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Queue a training job',
    description: 'Adapter, algorithm, dataset, target, features, task and hyperparameters are checked before anything is queued. Follow it with GET /api/ml/training-jobs/{id} and /logs.',
  })
  @ApiAcceptedResponse({ type: TrainingJobDto, description: 'Queued' })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Unknown adapter/algorithm/dataset, target or feature not in the dataset, hyperparameters of the wrong type' })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: "The adapter's runtime is missing (e.g. python3 or scikit-learn), named with how to install it" })
  submit(@Body() dto: SubmitTrainingJobDto): Promise<TrainingJobDto> {
    return this.jobs.submit(dto);
  }

  @Get()
  @ApiOperation({ summary: 'List training jobs, newest first' })
  @ApiOkResponse({ type: [TrainingJobDto] })
  list(@Query() query: ListTrainingJobsQueryDto): Promise<TrainingJobDto[]> {
    return this.jobs.list(query.status, query.limit);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One training job: status, progress, attempts, error, metrics, artifact' })
  @ApiOkResponse({ type: TrainingJobDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  get(@Param() { id }: IdParamsDto): Promise<TrainingJobDto> {
    return this.jobs.get(id);
  }

  @Get(':id/logs')
  @ApiOperation({ summary: "A job's log lines in order; pass after=<last seq> to follow" })
  @ApiOkResponse({ type: [TrainingJobLogDto] })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  logs(@Param() { id }: IdParamsDto, @Query() query: JobLogsQueryDto): Promise<TrainingJobLogDto[]> {
    return this.jobs.logLines(id, query.after, query.limit);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel a queued or running job (a running adapter process is killed); answers with the job once it is final' })
  @ApiOkResponse({ type: TrainingJobDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The job already finished' })
  cancel(@Param() { id }: IdParamsDto): Promise<TrainingJobDto> {
    return this.jobs.cancel(id);
  }
}
