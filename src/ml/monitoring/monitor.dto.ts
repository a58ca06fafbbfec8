import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsObject, IsOptional, IsString, Matches, Max, Min, ValidateNested } from 'class-validator';
import { IsResourceName } from '../resource-name';
import { DriftThresholdsDto } from './drift-report.dto';

export class CreateMonitorDto {
  @ApiProperty({ example: 'iris-inputs' })
  @IsString()
  @IsResourceName()
  name!: string;

  @ApiProperty({ example: 'iris-classifier' })
  @IsString()
  @IsResourceName()
  model!: string;

  @ApiPropertyOptional({ example: 'production', description: 'Version number, alias, stage or latest, resolved at each run (default production)' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'ref must be a version number, an alias, a stage or latest' })
  ref?: string;

  @ApiProperty({ example: 3600, description: 'Run every this many seconds (a BullMQ job scheduler: once across all processes)' })
  @IsInt()
  @Min(60)
  @Max(7 * 86400)
  everySeconds!: number;

  @ApiPropertyOptional({ example: 86400, description: 'A run reads the predictions since the previous run, at most this far back (default 1 day)' })
  @IsOptional()
  @IsInt()
  @Min(60)
  @Max(90 * 86400)
  windowSeconds?: number;

  @ApiPropertyOptional({ example: 100, description: 'Fewer logged predictions than this in the window: the run is skipped (default 100)' })
  @IsOptional()
  @IsInt()
  @Min(2)
  @Max(10_000_000)
  minRows?: number;

  @ApiPropertyOptional({ type: DriftThresholdsDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => DriftThresholdsDto)
  thresholds?: DriftThresholdsDto;
}
