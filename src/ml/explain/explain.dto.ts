import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsObject, IsOptional, IsString, Max, Min, ValidateNested } from 'class-validator';

export const MAX_EXPLAINED_ROWS = 10;
export const MAX_BACKGROUND = 500;

export class BackgroundDto {
  @ApiPropertyOptional({ example: 50, description: 'Rows drawn from the version\'s training dataset (default 50)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_BACKGROUND)
  size?: number;

  @ApiPropertyOptional({ type: 'array', items: { type: 'object' }, description: 'Or the background rows themselves (each with every input column)' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BACKGROUND)
  @IsObject({ each: true })
  rows?: Record<string, unknown>[];
}

export class ExplainBodyDto {
  @ApiProperty({ type: 'array', items: { type: 'object' }, example: [{ sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 }], description: `1 to ${MAX_EXPLAINED_ROWS} rows` })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_EXPLAINED_ROWS)
  @IsObject({ each: true })
  instances!: Record<string, unknown>[];

  @ApiPropertyOptional({ enum: ['auto', 'exact', 'sampled'], description: 'auto (default): exact enumeration up to 10 input columns, sampled permutations above' })
  @IsOptional()
  @IsIn(['auto', 'exact', 'sampled'])
  method?: 'auto' | 'exact' | 'sampled';

  @ApiPropertyOptional({ example: 1000, description: 'sampled: permutations (default 1000; each used with its reverse)' })
  @IsOptional()
  @IsInt()
  @Min(2)
  @Max(10_000)
  permutations?: number;

  @ApiPropertyOptional({ type: BackgroundDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => BackgroundDto)
  background?: BackgroundDto;

  @ApiPropertyOptional({ example: 42, description: 'Seed of the background draw and the permutations (default 42)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(2 ** 31 - 1)
  seed?: number;
}

export class ImportanceQueryDto {
  @ApiPropertyOptional({ example: 'f1_macro', description: 'A metric of the task (default accuracy or r2)' })
  @IsOptional()
  @IsString()
  metric?: string;

  @ApiPropertyOptional({ example: 5, description: 'Shuffles per column (default 5)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(50)
  repeats?: number;
}
