import { IsResourceName } from '../resource-name';
import { keepAsSent } from '../keep-as-sent';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsNotEmpty, IsNumber, IsObject, IsOptional, IsString, Max, Min, ValidateNested } from 'class-validator';
import { ADAPTERS } from '../adapters/adapter-catalog';
import { JOB_STATUSES } from './training-job.entity';

export class ValidationSpecDto {
  @ApiPropertyOptional({ example: 0.2, description: 'Fraction of rows held out (stratified for classification); default 0.2' })
  @IsOptional()
  @IsNumber()
  @Min(0.05)
  @Max(0.9)
  holdout?: number;

  @ApiPropertyOptional({ example: 5, description: 'k-fold cross-validation instead of a holdout; the model is then refit on all rows' })
  @IsOptional()
  @IsInt()
  @Min(2)
  @Max(50)
  folds?: number;
}

export class SubmitTrainingJobDto {
  @ApiProperty({ enum: ADAPTERS, example: 'sklearn' })
  @IsIn(ADAPTERS)
  adapter!: (typeof ADAPTERS)[number];

  @ApiProperty({ example: 'random_forest', description: 'GET /api/ml/adapters lists the algorithms of each adapter' })
  @IsString()
  @IsNotEmpty()
  algorithm!: string;

  @ApiProperty({ example: 'iris', description: 'Dataset id or name' })
  @IsString()
  @IsNotEmpty()
  dataset!: string;

  @ApiProperty({ example: 'species' })
  @IsString()
  @IsNotEmpty()
  target!: string;

  @ApiPropertyOptional({ example: ['sepal_length', 'petal_length'], description: 'Feature columns; default: every column but the target' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10000)
  @IsString({ each: true })
  features?: string[];

  @ApiPropertyOptional({ enum: ['classification', 'regression'], description: 'Inferred from the target column when absent' })
  @IsOptional()
  @IsIn(['classification', 'regression'])
  task?: 'classification' | 'regression';

  @ApiPropertyOptional({ example: { n_estimators: 200, max_depth: 5 }, description: "Checked against the algorithm's schema (GET /api/ml/adapters)" })
  @IsOptional()
  @IsObject()
  @keepAsSent()
  hyperparameters?: Record<string, unknown>;

  @ApiPropertyOptional({ type: ValidationSpecDto, example: { holdout: 0.2 } })
  @IsOptional()
  @ValidateNested()
  @Type(() => ValidationSpecDto)
  validation?: ValidationSpecDto;

  @ApiPropertyOptional({ example: 42, description: 'Random seed; default 42' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(2147483647)
  seed?: number;

  @ApiPropertyOptional({ example: 'iris-baselines', description: 'Experiment the run is recorded under' })
  @IsOptional()
  @IsString()
  @IsResourceName()
  experiment?: string;

  @ApiPropertyOptional({ example: 'iris-classifier', description: 'Register the model under this name when the job succeeds' })
  @IsOptional()
  @IsString()
  @IsResourceName()
  registerAs?: string;

  @ApiPropertyOptional({
    example: 'accuracy',
    description: 'Also report this validation metric at every step of the fit (per tree batch, epoch or fold) into the run\'s metric history; hyper-parameter search prunes on it',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  intermediateMetric?: string;

  @ApiPropertyOptional({ example: 600000, description: 'Time limit in ms; default TRAINING_JOB_TIMEOUT_MS' })
  @IsOptional()
  @IsInt()
  @Min(1000)
  @Max(86400000)
  timeoutMs?: number;
}

export class ListTrainingJobsQueryDto {
  @ApiPropertyOptional({ enum: [...JOB_STATUSES, 'all', 'active'], description: 'Default all' })
  @IsOptional()
  @IsIn([...JOB_STATUSES, 'all', 'active'])
  status?: string;

  @ApiPropertyOptional({ example: 50, description: '1-500, default 50' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

export class JobLogsQueryDto {
  @ApiPropertyOptional({ example: 0, description: 'Only lines after this seq (for following)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  after?: number;

  @ApiPropertyOptional({ example: 500, description: '1-5000, default 1000' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(5000)
  limit?: number;
}

export class TrainingJobDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'sklearn' }) adapter!: string;
  @ApiProperty({ example: 'random_forest' }) algorithm!: string;
  @ApiProperty({ enum: ['classification', 'regression'] }) task!: string;
  @ApiProperty({ format: 'uuid' }) datasetId!: string;
  @ApiProperty({ example: 'species' }) target!: string;
  @ApiProperty({ example: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'] }) features!: string[];
  @ApiProperty({ example: { n_estimators: 100 } }) hyperparameters!: Record<string, unknown>;
  @ApiProperty({ example: { holdout: 0.2 } }) validation!: Record<string, number>;
  @ApiProperty({ example: 42 }) seed!: number;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'iris-baseline' }) experiment!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'iris-classifier' }) registerAs!: string | null;
  @ApiProperty({ example: 3600000 }) timeoutMs!: number;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'accuracy' }) intermediateMetric!: string | null;
  @ApiProperty({ enum: JOB_STATUSES }) status!: string;
  @ApiProperty({ example: 0.45, description: '0 to 1' }) progress!: number;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'training' }) stage!: string | null;
  @ApiProperty({ example: 1 }) attempts!: number;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'python adapter exited with code 1: ValueError: Input contains NaN', description: 'Why the job failed; null unless it failed' }) error!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, enum: ['data', 'infrastructure', 'timeout', 'cancelled'] }) errorKind!: string | null;
  @ApiPropertyOptional({ nullable: true, example: { accuracy: 0.97, f1_macro: 0.97 } }) metrics!: Record<string, number> | null;
  @ApiPropertyOptional({ nullable: true, example: { key: 'training/0193.../model.pkl', uri: 'file:///var/artifacts/training/0193.../model.pkl', sha256: '…', size: 181234, store: 'fs' } })
  artifact!: object | null;
  @ApiPropertyOptional({ nullable: true, type: String, example: '0193a5c4-7b1e-7c2d-9f00-1a2b3c4d5e6f', description: 'Id of the hub instance (api or worker) that ran it' }) worker!: string | null;
  @ApiProperty() createdAt!: Date;
  @ApiPropertyOptional({ nullable: true, type: Date }) startedAt!: Date | null;
  @ApiPropertyOptional({ nullable: true, type: Date }) finishedAt!: Date | null;
  @ApiProperty() updatedAt!: Date;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'uuid', description: "The job's experiment run: GET /api/ml/runs/{runId} and its /artifacts" }) runId!: string | null;
  @ApiProperty({ example: [{ model: 'iris-classifier', version: 3 }], description: 'Model versions registered from this job, oldest first' })
  registeredVersions!: { model: string; version: number }[];
}

export class TrainingJobLogDto {
  @ApiProperty({ example: '12', description: 'Order of the line (a bigint as a string)' }) seq!: string;
  @ApiProperty() time!: Date;
  @ApiProperty({ example: 'info' }) level!: string;
  @ApiProperty({ example: 'tree 40/100' }) message!: string;
}
