import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsInt, IsNumber, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';

export class DriftSideDto {
  @ApiPropertyOptional({ example: 'iris-classifier', description: "A registered model: its version's training dataset (reference only)" })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  model?: string;

  @ApiPropertyOptional({ example: 'production', description: 'With model: version number, alias, stage or latest (default production)' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'ref must be a version number, an alias, a stage or latest' })
  ref?: string;

  @ApiPropertyOptional({ example: 'iris-2026-11', description: 'Or a registered dataset (id or name)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  dataset?: string;
}

export class DriftThresholdsDto {
  @ApiPropertyOptional({ example: 1000 }) @IsOptional() @IsNumber() @Min(1) @Max(1e9) smallSample?: number;
  @ApiPropertyOptional({ example: 0.05 }) @IsOptional() @IsNumber() @Min(0) @Max(1) pValue?: number;
  @ApiPropertyOptional({ example: 0.1 }) @IsOptional() @IsNumber() @Min(0) @Max(100) distance?: number;
  @ApiPropertyOptional({ example: 0.1 }) @IsOptional() @IsNumber() @Min(0) @Max(100) psiWatch?: number;
  @ApiPropertyOptional({ example: 0.2 }) @IsOptional() @IsNumber() @Min(0) @Max(100) psiDrift?: number;
  @ApiPropertyOptional({ example: 0.1, description: "Monitors: the headline metric (accuracy, rmse) on ground truth this much worse than the version's recorded value, relative, is a performance decay (default 0.1)" })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(100)
  performanceDrop?: number;
  @ApiPropertyOptional({ example: 30, description: 'Monitors: fewer ground-truth rows in the window than this, performance is not judged (default 30)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  minOutcomes?: number;
}

export class DriftReportDto {
  @ApiProperty({ type: DriftSideDto, example: { model: 'iris-classifier' } })
  @IsObject()
  @ValidateNested()
  @Type(() => DriftSideDto)
  reference!: DriftSideDto;

  @ApiProperty({ type: DriftSideDto, example: { dataset: 'iris-2026-11' } })
  @IsObject()
  @ValidateNested()
  @Type(() => DriftSideDto)
  current!: DriftSideDto;

  @ApiPropertyOptional({ example: ['petal_length'], type: [String], description: "Default: the model's input columns, else the reference's columns" })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @IsString({ each: true })
  columns?: string[];

  @ApiPropertyOptional({ type: DriftThresholdsDto, description: "Evidently's defaults: smallSample 1000, pValue 0.05, distance 0.1, psiWatch 0.1, psiDrift 0.2" })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => DriftThresholdsDto)
  thresholds?: DriftThresholdsDto;
}
