import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsDefined, IsIn, IsNumber, IsObject, IsOptional, IsString, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { keepAsSent } from '../keep-as-sent';
import { IsResourceName } from '../resource-name';
import { VERSION_REF } from '../registry/registry.dto';
import { METRIC_KINDS, MetricKind } from './ab-test.entity';

export const MAX_VARIANTS = 20;
export const MAX_UNIT_ID_LENGTH = 256;
/** Rows per prediction through a test: a unit is one user or session, not a batch (POST /api/ml/batch-predictions). */
export const MAX_AB_INSTANCES = 100;

export const VARIANT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const VARIANT_NAME_RULE = '1-64 letters, digits, ".", "_" or "-", starting with a letter or digit';

export class AbVariantDto {
  @ApiProperty({ example: 'treatment', description: `Unique within the test; ${VARIANT_NAME_RULE}` })
  @Matches(VARIANT_NAME, { message: `name must be ${VARIANT_NAME_RULE}` })
  name!: string;

  @ApiProperty({ example: '4', description: 'Version number, alias, stage or latest; resolved to a version number when the test is created, and that version is what the variant serves' })
  @Matches(VERSION_REF, { message: 'ref must be a version number, an alias, a stage or latest (1-64 letters, digits, "_" or "-")' })
  ref!: string;

  @ApiProperty({ example: 50, description: 'Relative share of the units (weights need not add up to 100)' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.000001)
  @Max(1_000_000)
  weight!: number;
}

export class AbMetricDto {
  @ApiProperty({ enum: METRIC_KINDS, example: 'proportion', description: 'proportion: one 0/1 outcome per unit (converted or not); mean: one number per unit (revenue, time)' })
  @IsIn(METRIC_KINDS)
  kind!: MetricKind;

  @ApiProperty({ example: 'converted', description: 'What the outcome measures, for people reading the results' })
  @IsString()
  @Length(1, 128)
  name!: string;
}

export class CreateAbTestDto {
  @ApiProperty({ example: 'iris-rf-vs-knn' })
  @IsResourceName()
  name!: string;

  @ApiProperty({ example: 'iris-classifier', description: 'The registered model whose versions the variants serve' })
  @IsResourceName()
  model!: string;

  @ApiProperty({
    type: [AbVariantDto],
    description: `2 to ${MAX_VARIANTS} variants; the first is the control every other one is compared with`,
    example: [
      { name: 'control', ref: 'production', weight: 50 },
      { name: 'treatment', ref: '4', weight: 50 },
    ],
  })
  @IsArray()
  @ArrayMinSize(2)
  @ArrayMaxSize(MAX_VARIANTS)
  @ValidateNested({ each: true })
  @Type(() => AbVariantDto)
  variants!: AbVariantDto[];

  @ApiProperty({ type: AbMetricDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => AbMetricDto)
  metric!: AbMetricDto;

  @ApiPropertyOptional({ example: 0.02, description: 'Smallest absolute difference worth detecting (0.02 = two percentage points for a proportion; in outcome units for a mean); the results then say how many units each variant still needs' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(1e-9)
  @Max(1e12)
  minimumDetectableEffect?: number;

  @ApiPropertyOptional({ example: 0.05, default: 0.05, description: 'Significance level of the two-sided tests (split evenly over the comparisons when there are several treatments)' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.0001)
  @Max(0.5)
  alpha?: number;

  @ApiPropertyOptional({ example: 0.8, default: 0.8, description: 'Power the sample size is planned for' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.5)
  @Max(0.9999)
  power?: number;
}

export class AbTestNameParamsDto {
  @ApiProperty({ example: 'iris-rf-vs-knn' })
  @IsResourceName()
  name!: string;
}

/** Unit ids come from outside and are echoed in answers, logs and events, where a control character would mislead or break them. */
const NO_CONTROL_CHARACTERS = /^\P{Cc}*$/u;

export class AbUnitDto {
  @ApiProperty({ example: 'user-48213', description: `The unit of randomisation (a user, account or session id), at most ${MAX_UNIT_ID_LENGTH} characters, no control characters` })
  @IsString()
  @Length(1, MAX_UNIT_ID_LENGTH)
  @Matches(NO_CONTROL_CHARACTERS, { message: 'unitId must not contain a control character (U+0000–U+001F, U+007F–U+009F): ids are echoed in answers, logs and events' })
  unitId!: string;
}

export class AbPredictDto extends AbUnitDto {
  @ApiProperty({
    description: `1 to ${MAX_AB_INSTANCES} rows, column → value, checked against the variant's signature`,
    example: [{ sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 }],
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_AB_INSTANCES)
  @IsObject({ each: true })
  @keepAsSent()
  instances!: Record<string, unknown>[];
}

export class AbOutcomeDto extends AbUnitDto {
  @ApiProperty({ oneOf: [{ type: 'number' }, { type: 'boolean' }], example: 1, description: 'proportion: 0, 1, true or false; mean: a finite number. A later report for the same unit replaces the earlier value' })
  @IsDefined()
  value!: number | boolean;
}

export class ConcludeAbTestDto {
  @ApiPropertyOptional({ example: 'treatment', description: "The variant whose version is promoted to Production; leave out to conclude with no winner (nothing is promoted)" })
  @IsOptional()
  @Matches(VARIANT_NAME, { message: `winner must be a variant name (${VARIANT_NAME_RULE})` })
  winner?: string;

  @ApiProperty({ example: 'treatment converts 2.1 points better (p = 0.003), no sample-ratio mismatch' })
  @IsString()
  @Length(1, 2000)
  reason!: string;
}
