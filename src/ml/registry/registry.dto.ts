import { StringMapConstraint, TAG_RULES } from '../../platform/validation/string-map.constraint';
import { IsResourceName } from '../resource-name';
import { keepAsSent } from '../keep-as-sent';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, Validate, ValidateIf } from 'class-validator';
import { STAGES } from './registry.entities';
import { ARTIFACT_PATH, ARTIFACT_PATH_RULE } from '../experiments/experiment.dto';

/** Version numbers live in an integer column. */
export const MAX_VERSION = 2_147_483_647;

export const ALIAS = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
export const ALIAS_RULE = '1-64 letters, digits, "_" or "-", starting with a letter';

/** A version reference: a number, an alias, a stage name or "latest". */
export const VERSION_REF = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export class CreateModelDto {
  @ApiProperty({ example: 'iris-classifier' })
  @IsResourceName()
  name!: string;

  @ApiPropertyOptional({ example: 'Species from petal and sepal measurements' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;

  @ApiPropertyOptional({ example: { team: 'botany' } })
  // null is not "no tags": the column is NOT NULL, so only an absent field is optional
  @ValidateIf((_dto, value) => value !== undefined)
  @Validate(StringMapConstraint, [TAG_RULES])
  @keepAsSent()
  tags?: Record<string, string>;
}

export class RegisterVersionDto {
  @ApiPropertyOptional({ format: 'uuid', example: '0193a2b3-4c5d-7e6f-8a9b-0c1d2e3f4a5b', description: 'A succeeded training job (give this or runId)' })
  @IsOptional()
  @IsUUID()
  jobId?: string;

  @ApiPropertyOptional({ format: 'uuid', example: '0193a2b4-5d6e-7f80-9a1b-2c3d4e5f6a7b', description: "A run (give this or jobId): a training job's run registers its model; a finished run logged by hand registers a file uploaded to it" })
  @IsOptional()
  @IsUUID()
  runId?: string;

  @ApiPropertyOptional({ example: 'model.pkl', description: 'With runId: which uploaded file is the model, when the run has several' })
  @IsOptional()
  @Matches(ARTIFACT_PATH, { message: `artifactPath must be ${ARTIFACT_PATH_RULE}` })
  artifactPath?: string;

  @ApiPropertyOptional({ example: 'random forest, 200 trees' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;
}

export class TransitionDto {
  @ApiProperty({ enum: STAGES, example: 'Production', description: 'Case-insensitive' })
  @IsString()
  stage!: string;

  @ApiPropertyOptional({ default: true, description: 'Promoting to Production archives the version there now (in the same transaction)' })
  @IsOptional()
  @IsBoolean()
  archiveExisting?: boolean;

  @ApiPropertyOptional({ example: 'beats v2 on holdout accuracy' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  reason?: string;
}

export class SetAliasDto {
  @ApiProperty({ example: 3 })
  @IsInt()
  @Min(1)
  @Max(MAX_VERSION)
  version!: number;

  @ApiPropertyOptional({ example: 'new champion after the A/B test' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  reason?: string;
}

export class ModelNameParamsDto {
  @ApiProperty({ example: 'iris-classifier' })
  @IsResourceName()
  name!: string;
}

export class ModelVersionParamsDto extends ModelNameParamsDto {
  @ApiProperty({ example: 3 })
  // decimal digits only: Number() would also read "0x10", " 1" or "1e3"
  @Transform(({ value }) => (typeof value === 'string' && /^\d{1,10}$/.test(value) ? Number(value) : value))
  @IsInt({ message: 'version must be a version number (1, 2, ...)' })
  @Min(1)
  @Max(MAX_VERSION)
  version!: number;
}

export class ModelRefParamsDto extends ModelNameParamsDto {
  @ApiProperty({ example: 'champion', description: 'Version number, alias, stage (production) or latest' })
  @Matches(VERSION_REF, { message: 'ref must be a version number, an alias, a stage or latest (1-64 letters, digits, "_" or "-")' })
  ref!: string;
}

export class ModelAliasParamsDto extends ModelNameParamsDto {
  @ApiProperty({ example: 'champion' })
  @Matches(ALIAS, { message: `alias must be ${ALIAS_RULE}` })
  alias!: string;
}

export const stageOf = (value: string) => STAGES.find((s) => s.toLowerCase() === value.toLowerCase());
