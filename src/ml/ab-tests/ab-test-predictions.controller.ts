import { Body, Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedRequest } from '../../platform/auth/api-key.guard';
import { actorOf } from '../../platform/auth/api-keys.service';
import { RequireScope } from '../../platform/auth/auth.decorators';
import { ErrorResponseDto } from '../../platform/errors/error-response.dto';
import { AbPredictDto, AbTestNameParamsDto } from './ab-test.dto';
import { AbTestPredictionsService } from './ab-test-predictions.service';
import { AbTestsService } from './ab-tests.service';

@ApiTags('ml')
@Controller('ml/ab-tests')
export class AbTestPredictionsController {
  constructor(
    private readonly tests: AbTestsService,
    private readonly predictions: AbTestPredictionsService,
  ) {}

  @Post(':name/predict')
  @HttpCode(200)
  @RequireScope('read')
  @ApiOperation({
    summary: "Predict through the test: the unit's variant (sticky: the same unit always gets the same one) picks the model version",
    description: 'A new unit is recorded as assigned once its rows pass the signature check, before the model runs. A stopped test serves only the units it already has; a concluded test serves nobody (use POST /api/ml/models/{name}/predict).',
  })
  @ApiBody({ type: AbPredictDto, examples: { iris: { value: { unitId: 'user-48213', instances: [{ sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 }] } } } })
  @ApiOkResponse({
    schema: {
      example: {
        test: 'iris-rf-vs-knn',
        unitId: 'user-48213',
        variant: 'treatment',
        model: { name: 'iris-classifier', version: 4 },
        predictions: ['setosa'],
        probabilities: [{ setosa: 0.97, versicolor: 0.03, virginica: 0 }],
        assignedAt: '2026-11-30T14:02:11.120Z',
        newAssignment: false,
      },
    },
  })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: "A row that does not fit the variant's signature, named by row index and column" })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'Unknown A/B test' })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The test is stopped and the unit is new, or the test is concluded' })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: "The variant's runtime is missing or its queue is full (Retry-After)" })
  async predict(@Param() { name }: AbTestNameParamsDto, @Body() dto: AbPredictDto, @Req() req: AuthenticatedRequest) {
    return this.predictions.predict(await this.tests.get(name), dto.unitId, dto.instances, actorOf(req.principal));
  }
}
