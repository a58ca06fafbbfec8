import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow, IsOptional, Matches } from 'class-validator';
import { keepAsSent } from '../keep-as-sent';

export const REF = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
export const REF_RULE = 'ref must be a version number, an alias, a stage or latest (1-64 letters, digits, "_" or "-")';

export class PredictQueryDto {
  @ApiPropertyOptional({ example: 'champion', description: 'Version number, alias, stage (production, staging) or latest; the Production version when left out' })
  @IsOptional()
  @Matches(REF, { message: REF_RULE })
  ref?: string;
}

const ROW = { type: 'object', additionalProperties: true, example: { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 } };

/** One of the four shapes; parsed and checked by parsePredictionBody and the version's signature. */
export class PredictBodyDto {
  @ApiPropertyOptional({ type: 'array', items: ROW, description: 'Rows as objects of column → value (the hub\'s shape; MLflow\'s "instances")' })
  @IsOptional()
  @Allow()
  @keepAsSent()
  instances?: unknown;

  @ApiPropertyOptional({ type: 'array', items: ROW, description: "MLflow's dataframe_records: the same rows as objects" })
  @IsOptional()
  @Allow()
  @keepAsSent()
  dataframe_records?: unknown;

  @ApiPropertyOptional({
    type: 'object',
    properties: { columns: { type: 'array', items: { type: 'string' } }, data: { type: 'array', items: { type: 'array', items: {} } } },
    description: "MLflow's dataframe_split: column names once, then rows as lists in that order",
    example: { columns: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'], data: [[5.1, 3.5, 1.4, 0.2]] },
  })
  @IsOptional()
  @Allow()
  @keepAsSent()
  dataframe_split?: unknown;

  @ApiPropertyOptional({ description: "MLflow's inputs: a list of row objects, or an object of column → list of values", example: { sepal_length: [5.1, 6.7], sepal_width: [3.5, 3.0], petal_length: [1.4, 5.2], petal_width: [0.2, 2.3] } })
  @IsOptional()
  @Allow()
  @keepAsSent()
  inputs?: unknown;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: "MLflow's inference params: accepted so MLflow clients work unchanged, not used", example: {} })
  @IsOptional()
  @Allow()
  @keepAsSent()
  params?: unknown;
}

export class PredictionModelDto {
  @ApiProperty({ example: 'iris-classifier' }) name!: string;
  @ApiProperty({ example: 3, description: 'The version that answered: after a promotion, the new one' }) version!: number;
}

export class PredictionResponseDto {
  @ApiProperty({ type: PredictionModelDto }) model!: PredictionModelDto;

  @ApiProperty({ type: 'array', items: { oneOf: [{ type: 'string' }, { type: 'number' }] }, example: ['setosa', 'virginica'], description: 'One per row: a class label (classifier) or a number (regressor)' })
  predictions!: (string | number)[];

  @ApiProperty({
    type: 'array',
    nullable: true,
    items: { type: 'object', additionalProperties: { type: 'number' } },
    example: [
      { setosa: 0.98, versicolor: 0.02, virginica: 0 },
      { setosa: 0, versicolor: 0.09, virginica: 0.91 },
    ],
    description: 'One per row, class → probability; null for regressors and classifiers without probabilities',
  })
  probabilities!: Record<string, number>[] | null;
}

export class InvocationsResponseDto {
  @ApiProperty({ type: 'array', items: { oneOf: [{ type: 'string' }, { type: 'number' }] }, example: ['setosa', 'virginica'] })
  predictions!: (string | number)[];
}
