import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow, IsOptional, Matches } from 'class-validator';
import { keepAsSent } from '../keep-as-sent';
import { REF, REF_RULE } from '../inference/prediction.dto';

export class GroundTruthBodyDto {
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true }, description: 'The rows as they were predicted: objects of column → value', example: [{ sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 }] })
  @Allow()
  @keepAsSent()
  instances!: unknown;

  @ApiProperty({ type: 'array', items: {}, description: "The observed outcome of each row, in the same order: a class label for a classifier, a number for a regressor", example: ['setosa'] })
  @Allow()
  @keepAsSent()
  actuals!: unknown;
}

export class GroundTruthQueryDto {
  @ApiPropertyOptional({ example: 'production', description: "The version whose signature the rows are checked against (default production); the rows belong to the model, and each monitor run judges its own version on them" })
  @IsOptional()
  @Matches(REF, { message: REF_RULE })
  ref?: string;
}
