import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, Max, Min, ValidateNested } from 'class-validator';
import { keepAsSent } from '../keep-as-sent';
import { IsResourceName } from '../resource-name';
import { SubmitTrainingJobDto } from '../training/training-job.dto';

export class ObjectiveDto {
  @ApiProperty({ example: 'accuracy', description: 'A validation metric the job reports (accuracy, f1_macro, log_loss, roc_auc for classification; rmse, mae, r2 for regression)' })
  @IsString()
  @IsNotEmpty()
  metric!: string;

  @ApiPropertyOptional({ enum: ['maximize', 'minimize'], description: 'Default: the way the metric gets better' })
  @IsOptional()
  @IsIn(['maximize', 'minimize'])
  direction?: 'maximize' | 'minimize';
}

export class PrunerDto {
  @ApiProperty({ enum: ['median', 'successive-halving'], example: 'median', description: "Optuna's MedianPruner or SuccessiveHalvingPruner, on the objective reported at every step" })
  @IsIn(['median', 'successive-halving'])
  kind!: 'median' | 'successive-halving';

  @ApiPropertyOptional({ example: 5, description: 'median: trials that run to the end before any is pruned (default 5)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1000)
  startupTrials?: number;

  @ApiPropertyOptional({ example: 1, description: 'median: steps of a trial before it may be pruned (default 0)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100000)
  warmupSteps?: number;

  @ApiPropertyOptional({ example: 1, description: 'successive-halving: steps of the first rung (default auto)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100000)
  minResource?: number;

  @ApiPropertyOptional({ example: 4, description: 'successive-halving: 1/reductionFactor of the trials go on at each rung (default 4)' })
  @IsOptional()
  @IsInt()
  @Min(2)
  @Max(100)
  reductionFactor?: number;
}

export class CreateStudyDto {
  @ApiProperty({ example: 'iris-gbm' })
  @IsString()
  @IsResourceName()
  name!: string;

  @ApiProperty({
    type: SubmitTrainingJobDto,
    example: { adapter: 'sklearn', algorithm: 'gradient_boosting', dataset: 'iris', target: 'species', hyperparameters: { n_estimators: 100 } },
    description: "The training job every trial runs, its hyperparameters overlaid with the trial's; registerAs is not allowed (see registerBestAs)",
  })
  @IsObject()
  @ValidateNested()
  @Type(() => SubmitTrainingJobDto)
  job!: SubmitTrainingJobDto;

  @ApiProperty({
    example: { learning_rate: { type: 'float', low: 0.001, high: 1, log: true }, max_depth: { type: 'int', low: 1, high: 6 }, subsample: { type: 'categorical', choices: [0.5, 0.8, 1] } },
    description: 'Hyperparameter → {type: int|float, low, high, log?, step?} or {type: categorical, choices}; checked against the algorithm (GET /api/ml/adapters)',
  })
  @IsObject()
  @keepAsSent()
  searchSpace!: Record<string, unknown>;

  @ApiProperty({ type: ObjectiveDto })
  @IsObject()
  @ValidateNested()
  @Type(() => ObjectiveDto)
  objective!: ObjectiveDto;

  @ApiPropertyOptional({ enum: ['tpe', 'random', 'grid'], description: "Optuna's TPESampler (default), RandomSampler or GridSampler" })
  @IsOptional()
  @IsIn(['tpe', 'random', 'grid'])
  sampler?: 'tpe' | 'random' | 'grid';

  @ApiPropertyOptional({ type: PrunerDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => PrunerDto)
  pruner?: PrunerDto;

  @ApiProperty({ example: 20, description: 'Trials in all (a grid: at most its size)' })
  @IsInt()
  @Min(1)
  @Max(1000)
  maxTrials!: number;

  @ApiPropertyOptional({ example: 2, description: 'Trials running at once (default 1)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(32)
  maxParallel?: number;

  @ApiPropertyOptional({ example: 3600, description: 'No new trial starts after this many seconds (running ones finish)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(30 * 86400)
  timeoutSeconds?: number;

  @ApiPropertyOptional({ example: 7, description: "The samplers' seed (default 42)" })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(2 ** 31 - 1)
  seed?: number;

  @ApiPropertyOptional({ example: 'iris-classifier', description: 'Register the best trial\'s model under this name when the study ends' })
  @IsOptional()
  @IsString()
  @IsResourceName()
  registerBestAs?: string;

  @ApiPropertyOptional({ example: 'iris-hpo', description: 'Experiment of the trials\' runs; default: the job\'s experiment, else hpo-<name>' })
  @IsOptional()
  @IsString()
  @IsResourceName()
  experiment?: string;
}
