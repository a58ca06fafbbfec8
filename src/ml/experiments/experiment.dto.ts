import { StringMapConstraint, TAG_RULES } from '../../platform/validation/string-map.constraint';
import { IdParamsDto, IsResourceName, RESOURCE_NAME, RESOURCE_NAME_RULE } from '../resource-name';
import { keepAsSent } from '../keep-as-sent';
import { LifecycleQueryDto } from '../lifecycle';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsNumber, IsObject, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, ValidateNested, Validate, ValidateIf } from 'class-validator';

export const METRIC_KEY = /^[A-Za-z0-9_.\-/]{1,128}$/;
const METRIC_KEY_RULE = 'key must be 1-128 letters, digits, ".", "_", "-" or "/"';

/** Metric steps live in an integer column. */
const MAX_STEP = 2_147_483_647;

export class CreateExperimentDto {
  @ApiProperty({ example: 'iris-baselines' })
  @IsResourceName()
  name!: string;

  @ApiPropertyOptional({ example: 'Every adapter on Iris with default hyperparameters' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;
}

export class CreateRunDto {
  @ApiPropertyOptional({ example: 'rf-200-trees' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ example: { n_estimators: 200 } })
  @IsOptional()
  @IsObject()
  @keepAsSent()
  params?: Record<string, unknown>;

  @ApiPropertyOptional({ example: { team: 'vision' } })
  // null is not "no tags": the column is NOT NULL, so only an absent field is optional
  @ValidateIf((_dto, value) => value !== undefined)
  @Validate(StringMapConstraint, [TAG_RULES])
  @keepAsSent()
  tags?: Record<string, string>;

  @ApiPropertyOptional({ format: 'uuid', description: 'Parent run (e.g. a hyper-parameter search)' })
  @IsOptional()
  @IsUUID()
  parentRunId?: string;
}

export class LogParamsDto {
  @ApiProperty({ example: { learning_rate: 0.01 }, description: 'Write-once: a key already set to another value is a 409' })
  @IsObject()
  @keepAsSent()
  params!: Record<string, unknown>;
}

export class SetTagsDto {
  @ApiProperty({ example: { reviewed: 'yes' } })
  @Validate(StringMapConstraint, [TAG_RULES])
  @keepAsSent()
  tags!: Record<string, string>;
}

export class MetricPointDto {
  @ApiProperty({ example: 'loss' })
  @Matches(METRIC_KEY, { message: METRIC_KEY_RULE })
  key!: string;

  @ApiProperty({ example: 0.231 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  value!: number;

  @ApiPropertyOptional({ example: 3, description: 'Default: the next step of this key' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_STEP)
  step?: number;
}

export class LogMetricsDto {
  @ApiProperty({ type: [MetricPointDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10000)
  @ValidateNested({ each: true })
  @Type(() => MetricPointDto)
  metrics!: MetricPointDto[];
}

export class FinishRunDto {
  @ApiPropertyOptional({ enum: ['finished', 'failed', 'killed'], default: 'finished', example: 'finished', description: 'Case-insensitive (FINISHED as in MLflow); default finished' })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.toLowerCase() : value))
  @IsIn(['finished', 'failed', 'killed'])
  status?: 'finished' | 'failed' | 'killed';
}

export class SearchRunsQueryDto extends LifecycleQueryDto {
  @ApiPropertyOptional({
    example: "metrics.accuracy >= 0.9 and params.adapter IN ('node', 'sklearn') and attributes.status = 'FINISHED'",
    description:
      "MLflow's search_runs filter: <params|tags|metrics|attributes>.<key> <op> <value> joined by \"and\"; ops = != > >= < <= LIKE ILIKE IN NOT IN; quote values with spaces, backtick odd keys; metrics compare by their latest value; attributes: status, run_name, run_id, start_time, end_time (epoch ms or ISO 8601)",
  })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  filter?: string;

  @ApiPropertyOptional({ example: 'metrics.accuracy desc', description: 'metrics.<key>, params.<key>, attributes.start_time or created, then asc|desc' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  orderBy?: string;

  @ApiPropertyOptional({ example: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

export class SearchRunsAcrossQueryDto extends SearchRunsQueryDto {
  @ApiProperty({ type: String, example: 'iris-baselines,iris-tuning', description: 'Experiment ids or names, comma-separated (1-100)' })
  // a list in MCP tool arguments, comma-separated in a query string
  @Transform(({ value }) => (typeof value === 'string' ? value.split(',').map((e) => e.trim()) : value))
  @IsArray({ message: 'experiments must be a comma-separated list of experiment ids or names' })
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @Matches(RESOURCE_NAME, { each: true, message: `each of experiments must be ${RESOURCE_NAME_RULE}` })
  experiments!: string[];
}

export class CompareRunsQueryDto {
  @ApiProperty({ example: '0193a…,0193b…', description: 'Comma-separated run ids (2 or more)' })
  @IsString()
  ids!: string;
}

export class RunMetricParamsDto extends IdParamsDto {
  @ApiProperty({ example: 'loss' })
  @Matches(METRIC_KEY, { message: METRIC_KEY_RULE })
  key!: string;
}

/** One file name: uploads and training outputs are flat under their run's prefix. */
export const ARTIFACT_PATH = /^(?!\.)(?!.*\.meta\.json$)[A-Za-z0-9._-]{1,255}$/;
export const ARTIFACT_PATH_RULE = 'a file name of 1-255 letters, digits, ".", "_" or "-", not starting with "." (and not ending in .meta.json)';

export class UploadRunArtifactDto {
  @ApiPropertyOptional({ example: 'model.pkl', description: 'Name to store the file under; default: the uploaded file name' })
  @IsOptional()
  @Matches(ARTIFACT_PATH, { message: `path must be ${ARTIFACT_PATH_RULE}` })
  path?: string;
}

export class RunArtifactParamsDto extends IdParamsDto {
  @ApiProperty({ example: 'metadata.json', description: 'A path from GET /api/ml/runs/{id}/artifacts' })
  @Matches(ARTIFACT_PATH, { message: `path must be ${ARTIFACT_PATH_RULE}` })
  path!: string;
}
