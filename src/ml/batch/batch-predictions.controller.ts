import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res, StreamableFile } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiBody, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Readable } from 'node:stream';
import type { AuthenticatedRequest } from '../../platform/auth/api-key.guard';
import { actorOf } from '../../platform/auth/api-keys.service';
import { RequireScope } from '../../platform/auth/auth.decorators';
import { ErrorResponseDto } from '../../platform/errors/error-response.dto';
import { IdParamsDto } from '../resource-name';
import { BatchPredictionDto, ListBatchPredictionsQueryDto, SubmitBatchPredictionDto } from './batch-prediction.dto';
import { BatchPredictionsService } from './batch-predictions.service';

@ApiTags('ml')
@Controller('ml/batch-predictions')
export class BatchPredictionsController {
  constructor(private readonly batches: BatchPredictionsService) {}

  @Post()
  @HttpCode(202)
  @RequireScope('admin')
  @ApiOperation({
    summary: 'Queue a batch prediction: a registered model over a whole file, resumable, output in the artifact store',
    description:
      'The ref is resolved to a version number now and every chunk is predicted by that version. The input is read in chunks of chunkSize rows; each chunk becomes one output part and one checkpoint, so a job whose worker dies resumes after its last committed chunk and the output holds every row exactly once. A row the model refuses fails the job, naming the row. Follow it with GET /api/ml/batch-predictions/{id}; download with /output.',
  })
  @ApiBody({
    type: SubmitBatchPredictionDto,
    examples: {
      dataset: { summary: 'A registered dataset, CSV out', value: { model: 'iris-classifier', ref: 'production', input: { datasetId: 'iris' }, output: { format: 'csv' } } },
      file: { summary: 'A file under DATA_DIR, ids copied, JSON Lines out', value: { model: 'iris-classifier', ref: 'champion', input: { uri: 'local://data/scoring/2026-11-25.csv' }, output: { format: 'jsonl' }, idColumn: 'sample_id', chunkSize: 10000 } },
    },
  })
  @ApiAcceptedResponse({ type: BatchPredictionDto, description: 'Queued' })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'A field that breaks its rule, an unknown dataset, a URI the hub does not read, a dataset without the model\'s features or the idColumn' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'Unknown model or ref' })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'BATCH_MAX_QUEUED_JOBS jobs are waiting already (Retry-After says when to ask again), or Redis is unreachable' })
  submit(@Body() dto: SubmitBatchPredictionDto, @Req() req: AuthenticatedRequest): Promise<BatchPredictionDto> {
    return this.batches.submit(dto, actorOf(req.principal));
  }

  @Get()
  @RequireScope('read')
  @ApiOperation({ summary: 'List batch predictions, newest first; filter by status and model, page with limit and offset' })
  @ApiOkResponse({ type: [BatchPredictionDto] })
  list(@Query() query: ListBatchPredictionsQueryDto): Promise<BatchPredictionDto[]> {
    return this.batches.list(query);
  }

  @Get(':id')
  @RequireScope('read')
  @ApiOperation({ summary: 'One batch prediction: status, rows done of total, attempts, error, output columns' })
  @ApiOkResponse({ type: BatchPredictionDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  get(@Param() { id }: IdParamsDto): Promise<BatchPredictionDto> {
    return this.batches.get(id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @RequireScope('admin')
  @ApiOperation({ summary: 'Cancel a queued or running batch prediction; a running one stops at its next chunk and its output parts are deleted' })
  @ApiOkResponse({ type: BatchPredictionDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The job already finished' })
  cancel(@Param() { id }: IdParamsDto): Promise<BatchPredictionDto> {
    return this.batches.cancel(id);
  }

  @Get(':id/output')
  @RequireScope('read')
  @ApiOperation({ summary: "Download a succeeded job's output (CSV or JSON Lines), streamed part by part in input order" })
  @ApiProduces('text/csv', 'application/x-ndjson', 'application/json')
  @ApiOkResponse({
    description: 'One line per input row: the row number (or idColumn value), the prediction and, for classifiers, one probability column per class',
    content: {
      'text/csv': { schema: { type: 'string', example: 'row,prediction,probability_setosa,probability_versicolor,probability_virginica\n1,setosa,1,0,0\n2,virginica,0,0.03,0.97\n' } },
      'application/x-ndjson': { schema: { type: 'string', example: '{"row":1,"prediction":"setosa","probability_setosa":1,"probability_versicolor":0,"probability_virginica":0}\n' } },
    },
  })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The job has not succeeded (yet)' })
  async output(@Param() { id }: IdParamsDto, @Res({ passthrough: true }) res: Response): Promise<StreamableFile> {
    const { job, size, contentType, fileName, body } = await this.batches.output(id);
    res.attachment(fileName);
    res.setHeader('Content-Type', contentType);
    res.setHeader('X-Model-Version', String(job.version));
    res.setHeader('X-Rows', String(job.rowsDone));
    return new StreamableFile(Readable.from(body), { length: size });
  }
}
