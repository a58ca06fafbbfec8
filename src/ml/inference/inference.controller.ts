import { Body, Controller, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedRequest } from '../../platform/auth/api-key.guard';
import { actorOf } from '../../platform/auth/api-keys.service';
import { RequireScope } from '../../platform/auth/auth.decorators';
import { AppConfig } from '../../platform/config/app-config';
import { ErrorResponseDto } from '../../platform/errors/error-response.dto';
import { ModelNameParamsDto } from '../registry/registry.dto';
import { ModelPredictor, PredictionResult } from './model-predictor';
import { parsePredictionBody } from './prediction-body';
import { InvocationsResponseDto, PredictBodyDto, PredictionResponseDto, PredictQueryDto } from './prediction.dto';

const IRIS = { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 };
const IRIS_2 = { sepal_length: 6.7, sepal_width: 3.0, petal_length: 5.2, petal_width: 2.3 };
const BODY_EXAMPLES = {
  instances: { summary: 'Rows as objects', value: { instances: [IRIS, IRIS_2] } },
  dataframe_split: { summary: "MLflow's dataframe_split", value: { dataframe_split: { columns: Object.keys(IRIS), data: [Object.values(IRIS), Object.values(IRIS_2)] } } },
  dataframe_records: { summary: "MLflow's dataframe_records", value: { dataframe_records: [IRIS] } },
  inputs: { summary: "MLflow's inputs, by column", value: { inputs: Object.fromEntries(Object.keys(IRIS).map((k) => [k, [IRIS[k as keyof typeof IRIS], IRIS_2[k as keyof typeof IRIS]]])) } },
};

/**
 * Online predictions. Scope `read`: a prediction runs only models an admin registered and changes
 * nothing in the registry, like reading them; the ml__predict tool asks the same scope.
 */
@ApiTags('ml')
@Controller('ml/models')
@ApiBadRequestResponse({ type: ErrorResponseDto, description: 'A row breaks the signature (details name instances[i].column: a missing column, a wrong type, an unknown category), or the body has none of the accepted shapes' })
@ApiNotFoundResponse({ type: ErrorResponseDto, description: 'Unknown model or ref, or no ref and no version in Production' })
@ApiConflictResponse({ type: ErrorResponseDto, description: 'The model is deleted, or the version cannot be served (a file uploaded from outside in a format the hub does not load)' })
@ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: "The model's runtime is missing (names what to install), the serving queue is full or the prediction timed out (Retry-After)" })
export class InferenceController {
  constructor(
    private readonly predictor: ModelPredictor,
    private readonly config: AppConfig,
  ) {}

  @Post(':name/predict')
  @RequireScope('read')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Predict with a registered model: rows in, predictions (and class probabilities) out',
    description:
      'Rows are checked against the version\'s signature before the model runs. Accepts {"instances": [...]} and MLflow\'s scoring shapes (dataframe_records, dataframe_split, inputs). ?ref= picks a version number, alias, stage or latest; without it the Production version answers. At most SERVING_MAX_ROWS rows.',
  })
  @ApiBody({ type: PredictBodyDto, examples: BODY_EXAMPLES })
  @ApiOkResponse({ type: PredictionResponseDto })
  predict(@Param() { name }: ModelNameParamsDto, @Query() query: PredictQueryDto, @Body() body: PredictBodyDto, @Req() req: AuthenticatedRequest): Promise<PredictionResult> {
    const { rows, fieldOf } = parsePredictionBody(body, this.config.serving.maxRows);
    return this.predictor.predict({ model: name, ref: query.ref, rows, fieldOf, source: 'rest', actor: actorOf(req.principal) });
  }

  @Post(':name/invocations')
  @RequireScope('read')
  @HttpCode(200)
  @ApiOperation({
    summary: "MLflow scoring-server compatible: the same prediction, answered as MLflow's /invocations does ({predictions})",
    description: 'For MLflow clients pointed at this model; ?ref= as for predict.',
  })
  @ApiBody({ type: PredictBodyDto, examples: BODY_EXAMPLES })
  @ApiOkResponse({ type: InvocationsResponseDto })
  async invocations(@Param() { name }: ModelNameParamsDto, @Query() query: PredictQueryDto, @Body() body: PredictBodyDto, @Req() req: AuthenticatedRequest): Promise<InvocationsResponseDto> {
    const { rows, fieldOf } = parsePredictionBody(body, this.config.serving.maxRows);
    const result = await this.predictor.predict({ model: name, ref: query.ref, rows, fieldOf, source: 'rest', actor: actorOf(req.principal) });
    return { predictions: result.predictions };
  }
}
