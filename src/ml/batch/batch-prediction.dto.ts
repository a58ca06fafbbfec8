import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { VERSION_REF } from '../registry/registry.dto';
import { IsResourceName } from '../resource-name';
import { BATCH_STATUSES, OUTPUT_FORMATS } from './batch-prediction.entity';

export const MAX_CHUNK_SIZE = 100_000;
const JOB_ID = '0193a5c4-7b1e-7c2d-9f00-1a2b3c4d5e6f';

export class BatchInputDto {
  @ApiPropertyOptional({ example: 'iris', description: 'A registered dataset, by id or name (GET /api/ml/datasets)' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  datasetId?: string;

  @ApiPropertyOptional({
    example: 'local://data/scoring/2026-11-25.csv',
    description:
      'Instead of datasetId: local://<path inside DATA_DIR>, or an object of the hub\'s artifact store as artifact://<key> or its own URI (file:///…/artifacts/<key>, s3://<artifact bucket>/<key>). http(s) and other paths are refused: register them as a dataset.',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(2048)
  uri?: string;

  @ApiPropertyOptional({ enum: ['csv', 'jsonl'], description: 'Inferred from the file name (.csv, .jsonl, .ndjson) when absent' })
  @IsOptional()
  @IsIn(['csv', 'jsonl'])
  format?: 'csv' | 'jsonl';
}

export class BatchOutputDto {
  @ApiProperty({ enum: OUTPUT_FORMATS, example: 'csv' })
  @IsIn(OUTPUT_FORMATS)
  format!: (typeof OUTPUT_FORMATS)[number];
}

export class SubmitBatchPredictionDto {
  @ApiProperty({ example: 'iris-classifier' })
  @IsString()
  @IsResourceName()
  model!: string;

  @ApiPropertyOptional({ example: 'production', description: 'Version number, alias, stage or latest; default production. Resolved to a version number once, at submit: a promotion during the job does not change it.' })
  @IsOptional()
  @IsString()
  @Matches(VERSION_REF, { message: 'ref must be a version number, an alias, a stage or latest (1-64 letters, digits, "_" or "-")' })
  ref?: string;

  @ApiProperty({ type: BatchInputDto, example: { datasetId: 'iris' } })
  @IsObject()
  @ValidateNested()
  @Type(() => BatchInputDto)
  input!: BatchInputDto;

  @ApiPropertyOptional({ type: BatchOutputDto, example: { format: 'csv' }, description: 'Default csv' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => BatchOutputDto)
  output?: BatchOutputDto;

  @ApiPropertyOptional({ example: 'sample_id', description: "Input column copied into the output to name each row; default: the row's number in the input (1 = first data row)" })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  idColumn?: string;

  @ApiPropertyOptional({ example: 5000, description: `Rows per chunk: one predict call, one output part and one checkpoint (1-${MAX_CHUNK_SIZE}); default BATCH_CHUNK_ROWS` })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_CHUNK_SIZE)
  chunkSize?: number;
}

export class ListBatchPredictionsQueryDto {
  @ApiPropertyOptional({ enum: [...BATCH_STATUSES, 'all', 'active'], description: 'Default all; active = queued or running' })
  @IsOptional()
  @IsIn([...BATCH_STATUSES, 'all', 'active'])
  status?: string;

  @ApiPropertyOptional({ example: 'iris-classifier', description: 'Only jobs of this model' })
  @IsOptional()
  @IsString()
  @IsResourceName()
  model?: string;

  @ApiPropertyOptional({ example: 50, description: '1-500, default 50' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({ example: 0, description: 'Jobs to skip (newest first), for the next page' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  offset?: number;
}

export class BatchPredictionDto {
  @ApiProperty({ format: 'uuid', example: JOB_ID }) id!: string;
  @ApiProperty({ example: 'iris-classifier' }) model!: string;
  @ApiProperty({ example: 'production', description: 'The ref as asked' }) ref!: string;
  @ApiProperty({ example: 3, description: 'The version the ref named at submit; every row is predicted by it' }) version!: number;
  @ApiProperty({ example: { kind: 'dataset', datasetId: '0193a5c4-1111-7c2d-9f00-1a2b3c4d5e6f', datasetName: 'iris' }, description: 'kind dataset (datasetId, datasetName), local (uri) or artifact (uri, key)' })
  input!: object;
  @ApiProperty({ enum: ['csv', 'jsonl'] }) inputFormat!: string;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'sample_id' }) idColumn!: string | null;
  @ApiProperty({ example: 5000 }) chunkSize!: number;
  @ApiProperty({ enum: OUTPUT_FORMATS }) outputFormat!: string;
  @ApiProperty({ enum: BATCH_STATUSES }) status!: string;
  @ApiPropertyOptional({ nullable: true, type: Number, example: 1000000, description: 'Input rows; null until the first attempt has counted a file given by URI' }) rowsTotal!: number | null;
  @ApiProperty({ example: 250000, description: 'Rows predicted and committed' }) rowsDone!: number;
  @ApiProperty({ example: 0.25, description: 'rowsDone / rowsTotal, 0 to 1' }) progress!: number;
  @ApiProperty({ example: 50, description: 'Output parts committed (one per chunk)' }) parts!: number;
  @ApiProperty({ example: 9351234, description: 'Output bytes committed, header not counted' }) outputBytes!: number;
  @ApiPropertyOptional({ nullable: true, example: ['row', 'prediction', 'probability_setosa', 'probability_versicolor', 'probability_virginica'] }) outputColumns!: string[] | null;
  @ApiProperty({ example: 1, description: 'Attempts started (a resumed or retried job has more than one)' }) attempts!: number;
  @ApiPropertyOptional({ nullable: true, type: String, example: '0193a5c4-7b1e-7c2d-9f00-1a2b3c4d5e70', description: 'Hub instance running (or last running) it' }) worker!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'input row 1234 (sample_id=s-1234), column "petal_width": expected a number, got "n/a cm"', description: 'Why it failed; null unless it failed' })
  error!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, enum: ['data', 'infrastructure', 'cancelled'] }) errorKind!: string | null;
  @ApiProperty({ example: 'key:ci-bot', description: 'Who submitted it' }) submittedBy!: string;
  @ApiPropertyOptional({ nullable: true, type: String, example: `/api/ml/batch-predictions/${JOB_ID}/output`, description: 'Where to download the output once succeeded' })
  outputUrl!: string | null;
  @ApiProperty({ example: '2026-11-25T18:00:00.000Z' }) createdAt!: Date;
  @ApiPropertyOptional({ nullable: true, type: Date, example: '2026-11-25T18:00:01.000Z' }) startedAt!: Date | null;
  @ApiPropertyOptional({ nullable: true, type: Date, example: '2026-11-25T18:01:30.000Z' }) finishedAt!: Date | null;
  @ApiProperty({ example: '2026-11-25T18:01:30.000Z' }) updatedAt!: Date;
}
