import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { RequireScope } from '../../platform/auth/auth.decorators';
import { ErrorResponseDto } from '../../platform/errors/error-response.dto';
import { PredictQueryDto } from '../inference/prediction.dto';
import { ModelNameParamsDto, ModelRefParamsDto } from '../registry/registry.dto';
import { ExplainBodyDto, ImportanceQueryDto } from './explain.dto';
import { ExplainService } from './explain.service';
import { ImportanceService } from './importance.service';

/** Local explanations. Scope `read`, as predict: it runs the model and changes nothing. */
@ApiTags('ml')
@Controller('ml/models')
export class ExplainController {
  constructor(
    private readonly explanations: ExplainService,
    private readonly importances: ImportanceService,
  ) {}

  @Get(':name/versions/:ref/importance')
  @ApiOperation({
    summary: "Which columns the model relies on: permutation importance on the version's validation rows (mean ± std of the metric's drop over the repeats), computed once per version, metric and repeats",
    description: "scikit-learn's permutation_importance for Python models, the same algorithm for Node models; the metric defaults to accuracy (classification) or r2 (regression).",
  })
  @ApiOkResponse({
    schema: {
      example: {
        model: { name: 'iris-classifier', version: 3 },
        repeats: 5,
        cached: false,
        metric: 'accuracy',
        baseline: 0.967,
        rows: 30,
        importances: [
          { column: 'petal_length', mean: 0.31, std: 0.04 },
          { column: 'sepal_width', mean: 0.0, std: 0.0 },
        ],
      },
    },
  })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  importance(@Param() { name, ref }: ModelRefParamsDto, @Query() { metric, repeats }: ImportanceQueryDto) {
    return this.importances.importance(name, ref, metric, repeats ?? 5);
  }

  @Post(':name/explain')
  @HttpCode(200)
  @RequireScope('read')
  @ApiOperation({
    summary: "Why the model predicted what it did: per row, each input column's Shapley value against a background sample of the training data",
    description:
      'Exact enumeration up to 10 input columns, sampled permutations above. Classifiers explain the probability of the predicted class, regressors the value; baseValue + Σ contributions = value. ?ref= as for predict.',
  })
  @ApiOkResponse({
    schema: {
      example: {
        model: { name: 'iris-classifier', version: 3 },
        method: 'exact',
        background: { rows: 50, source: 'dataset iris' },
        results: [{ prediction: 'setosa', output: { kind: 'probability', class: 'setosa' }, value: 0.98, baseValue: 0.33, contributions: { petal_length: 0.41, petal_width: 0.22, sepal_length: 0.01, sepal_width: 0.01 } }],
      },
    },
  })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'A row that does not fit the signature, or more model runs than allowed' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: "The model's runtime is missing or busy" })
  explain(@Param() { name }: ModelNameParamsDto, @Query() { ref }: PredictQueryDto, @Body() dto: ExplainBodyDto) {
    return this.explanations.explain(name, ref, dto);
  }
}
