import { Body, Controller, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireScope } from '../../platform/auth/auth.decorators';
import { ErrorResponseDto } from '../../platform/errors/error-response.dto';
import { ModelNameParamsDto } from '../registry/registry.dto';
import { GroundTruthBodyDto, GroundTruthQueryDto } from './ground-truth.dto';
import { GroundTruthService } from './ground-truth.service';

/** Ground truth for a model. Scope `read`, like predict: the client that predicts reports what happened. */
@ApiTags('ml')
@Controller('ml/models')
export class GroundTruthController {
  constructor(private readonly groundTruth: GroundTruthService) {}

  @Post(':name/ground-truth')
  @HttpCode(200)
  @RequireScope('read')
  @ApiOperation({
    summary: "Report observed outcomes for predicted rows: the model's monitors judge its version on them (performance decay)",
    description:
      "Rows are checked against the signature of ?ref= (default production) and each actual against its output (a class, or a number for a regressor). Each monitor run predicts the rows received in its window with its version and compares the metric (accuracy, rmse) with the version's recorded one. At most SERVING_MAX_ROWS rows per call; the newest PREDICTION_LOG_MAX_ROWS are kept per model.",
  })
  @ApiBody({ type: GroundTruthBodyDto, examples: { labels: { value: { instances: [{ sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 }, { sepal_length: 6.7, sepal_width: 3.0, petal_length: 5.2, petal_width: 2.3 }], actuals: ['setosa', 'virginica'] } } } })
  @ApiOkResponse({ schema: { example: { model: 'iris-classifier', stored: 2 } } })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'A row does not fit the signature, or an actual is not a class or number (the field names it)' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  record(@Param() { name }: ModelNameParamsDto, @Query() { ref }: GroundTruthQueryDto, @Body() body: GroundTruthBodyDto) {
    return this.groundTruth.record(name, ref ?? 'production', body);
  }
}
