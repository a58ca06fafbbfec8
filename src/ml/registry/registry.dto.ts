import { IsResourceName } from '../resource-name';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsObject, IsOptional, IsString, IsUUID, MaxLength, Min } from 'class-validator';
import { STAGES } from './registry.entities';

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
  @IsOptional()
  @IsObject()
  tags?: Record<string, string>;
}

export class RegisterVersionDto {
  @ApiProperty({ format: 'uuid', description: 'A succeeded training job' })
  @IsUUID()
  jobId!: string;

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
  version!: number;

  @ApiPropertyOptional({ example: 'new champion after the A/B test' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  reason?: string;
}

export const stageOf = (value: string) => STAGES.find((s) => s.toLowerCase() === value.toLowerCase());
