import { MAX_VERSION } from '../registry/registry.dto';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsISO8601, IsIn, IsInt, IsNumber, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';

/** A SQL identifier the hub quotes: letters, digits and "_", starting with a letter or "_". */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
/** A feature reference: view:feature, or view@version:feature for a version other than the latest. */
const FEATURE_REF = /^[a-z][a-z0-9_]{0,62}(@\d{1,9})?:[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const FEATURE_REF_RULE = 'each feature must be view:feature or view@version:feature';
const IDENTIFIER_RULE = 'must be letters, digits and "_", starting with a letter or "_", at most 63 characters';

export class FeatureTransformDto {
  @ApiProperty({
    enum: ['log', 'bucketize', 'one-hot', 'rolling'],
    example: 'bucketize',
    description:
      'log: ln(x) for x > 0, else null; bucketize: the bucket number of x among the boundaries; one-hot: one 0/1 column per category; ' +
      "rolling: an aggregation of the column over the entity's rows in the windowSeconds up to the feature row's time",
  })
  @IsIn(['log', 'bucketize', 'one-hot', 'rolling'])
  kind!: 'log' | 'bucketize' | 'one-hot' | 'rolling';

  @ApiPropertyOptional({ enum: ['count', 'sum', 'mean', 'min', 'max'], example: 'mean', description: 'rolling: the aggregation (count counts non-null values)' })
  @IsOptional()
  @IsIn(['count', 'sum', 'mean', 'min', 'max'])
  aggregation?: 'count' | 'sum' | 'mean' | 'min' | 'max';

  @ApiPropertyOptional({ example: 604800, description: 'rolling: the window in seconds' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10 * 365 * 86400)
  windowSeconds?: number;

  @ApiPropertyOptional({ example: [18, 30, 45, 65], type: [Number], description: 'bucketize: ascending boundaries' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsNumber({ allowNaN: false, allowInfinity: false }, { each: true })
  boundaries?: number[];

  @ApiPropertyOptional({ example: ['card', 'cash'], type: [String], description: 'one-hot: the categories, each a column <feature>__<category>' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ArrayUnique()
  @IsString({ each: true })
  @Matches(/^[A-Za-z0-9_.-]{1,40}$/, { each: true, message: 'each category must be 1 to 40 letters, digits, "_", "." or "-"' })
  categories?: string[];
}

export class FeatureDto {
  @ApiProperty({ example: 'amount_log' })
  @IsString()
  @Matches(IDENTIFIER, { message: `name ${IDENTIFIER_RULE}` })
  name!: string;

  @ApiPropertyOptional({ example: 'amount', description: 'The source column; default: the name' })
  @IsOptional()
  @IsString()
  @Matches(IDENTIFIER, { message: `column ${IDENTIFIER_RULE}` })
  column?: string;

  @ApiProperty({ enum: ['float', 'int', 'string', 'bool'], example: 'float' })
  @IsIn(['float', 'int', 'string', 'bool'])
  type!: 'float' | 'int' | 'string' | 'bool';

  @ApiPropertyOptional({ type: FeatureTransformDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => FeatureTransformDto)
  transform?: FeatureTransformDto;
}

export class FeatureSourceDto {
  @ApiPropertyOptional({ example: 'public.transactions', description: 'A PostgreSQL table or view as schema.table, in a schema FEATURE_SOURCE_SCHEMAS allows' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z_][A-Za-z0-9_]{0,62}\.[A-Za-z_][A-Za-z0-9_]{0,62}$/, { message: 'table must be schema.table (letters, digits and "_")' })
  table?: string;

  @ApiPropertyOptional({ example: 'transactions-2026-11', description: 'Or a registered dataset (id or name): loaded once into a table of schema feature_data, ISO 8601 time columns typed timestamptz' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  dataset?: string;
}

export class CreateFeatureViewDto {
  @ApiProperty({ example: 'customer_stats' })
  @IsString()
  @Matches(/^[a-z][a-z0-9_]{0,62}$/, { message: 'name must be lower-case letters, digits and "_", starting with a letter' })
  name!: string;

  @ApiProperty({ example: ['customer_id'], type: [String], description: 'The key columns of an entity' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(8)
  @ArrayUnique()
  @IsString({ each: true })
  @Matches(IDENTIFIER, { each: true, message: `each entity column ${IDENTIFIER_RULE}` })
  entities!: string[];

  @ApiProperty({ type: FeatureSourceDto })
  @IsObject()
  @ValidateNested()
  @Type(() => FeatureSourceDto)
  source!: FeatureSourceDto;

  @ApiProperty({ example: 'updated_at', description: 'When each source row became true (timestamp, timestamptz or date)' })
  @IsString()
  @Matches(IDENTIFIER, { message: `timestampColumn ${IDENTIFIER_RULE}` })
  timestampColumn!: string;

  @ApiProperty({ type: [FeatureDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => FeatureDto)
  features!: FeatureDto[];

  @ApiProperty({ example: 86400, description: 'A value older than this at the event time is not used (null)' })
  @IsInt()
  @Min(1)
  @Max(10 * 365 * 86400)
  ttlSeconds!: number;

  @ApiPropertyOptional({ example: true, description: 'Materialised into the online store (Redis)' })
  @IsOptional()
  @IsBoolean()
  online?: boolean;
}

export class MaterializeDto {
  @ApiPropertyOptional({ example: '2026-11-01T00:00:00Z', description: 'Source time to start after; default: the watermark of the last run (incremental)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  start?: string;

  @ApiPropertyOptional({ example: '2026-11-30T00:00:00Z', description: 'Source time to end at (included); default: now' })
  @IsOptional()
  @IsISO8601({ strict: true })
  end?: string;

  @ApiPropertyOptional({ example: 2, description: 'Materialise this version rather than the latest (a model bound to it keeps being served)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_VERSION)
  version?: number;

  @ApiPropertyOptional({ example: 300, description: 'Also run incrementally every this many seconds (a BullMQ job scheduler; applying again replaces it)' })
  @IsOptional()
  @IsInt()
  @Min(10)
  @Max(7 * 86400)
  everySeconds?: number;
}

export class OnlineFeaturesDto {
  @ApiProperty({ example: ['customer_stats:amount', 'customer_stats:segment'], type: [String] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @ArrayUnique()
  @IsString({ each: true })
  @Matches(FEATURE_REF, { each: true, message: FEATURE_REF_RULE })
  features!: string[];

  @ApiProperty({ example: [{ customer_id: 1 }, { customer_id: 2 }], type: 'array', items: { type: 'object' } })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @IsObject({ each: true })
  entities!: Record<string, unknown>[];
}

/** The JSON text of a query parameter as a value; text that is not JSON stays itself (and fails its checks). */
const fromJson = () =>
  Transform(({ value }: { value: unknown }) => {
    if (typeof value !== 'string') return value;
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  });

export class OnlineFeaturesQueryDto {
  @ApiProperty({ example: 'customer_stats:amount,customer_stats:segment', type: String, description: 'Comma-separated view:feature references' })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.split(',') : value))
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @ArrayUnique()
  @IsString({ each: true })
  @Matches(FEATURE_REF, { each: true, message: FEATURE_REF_RULE })
  features!: string[];

  @ApiProperty({ example: '[{"customer_id":1}]', type: String, description: 'The entities as a JSON array of objects' })
  @fromJson()
  @IsArray({ message: 'entities must be a JSON array of objects' })
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @IsObject({ each: true })
  entities!: Record<string, unknown>[];
}

export class EntityRowsDto {
  @ApiPropertyOptional({ example: 'labels-2026-11', description: 'A registered dataset (id or name) with the entity columns and event_timestamp' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  dataset?: string;

  @ApiPropertyOptional({ example: [{ customer_id: 7, event_timestamp: '2026-11-20T10:00:00Z', label: 1 }], type: 'array', items: { type: 'object' } })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100_000)
  @IsObject({ each: true })
  rows?: Record<string, unknown>[];
}

export class HistoricalFeaturesDto {
  @ApiProperty({ type: EntityRowsDto, description: 'Exactly one of dataset and rows; every row needs the views\' entity columns and event_timestamp' })
  @IsObject()
  @ValidateNested()
  @Type(() => EntityRowsDto)
  entityRows!: EntityRowsDto;

  @ApiProperty({ example: ['customer_stats:amount_log', 'customer_stats:segment'], type: [String], description: 'view:feature, or view@version:feature for an older version' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @ArrayUnique()
  @IsString({ each: true })
  @Matches(FEATURE_REF, { each: true, message: FEATURE_REF_RULE })
  features!: string[];

  @ApiPropertyOptional({ example: 'training-set-2026-11', description: 'Name of the dataset registered with the result; default features-<time>' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, { message: 'name must be letters, digits, ".", "_" and "-"' })
  name?: string;
}

export class FeatureServiceDto {
  @ApiProperty({ example: ['customer_stats:amount', 'customer_stats@2:segment'], type: [String], description: 'view:feature (pinned to the latest version) or view@version:feature; [] unbinds' })
  @IsArray()
  @ArrayMaxSize(200)
  @ArrayUnique()
  @IsString({ each: true })
  @Matches(FEATURE_REF, { each: true, message: FEATURE_REF_RULE })
  features!: string[];
}
