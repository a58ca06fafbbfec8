import { Body, Controller, Param, Put, Req } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedRequest } from '../../platform/auth/api-key.guard';
import { actorOf } from '../../platform/auth/api-keys.service';
import { ErrorResponseDto } from '../../platform/errors/error-response.dto';
import { ModelVersionParamsDto } from '../registry/registry.dto';
import { FeatureServiceBindings } from './feature-service-bindings';
import { FeatureServiceDto } from './feature-view.dto';

/** A model version's feature service: which online features predict fills in from entity keys. */
@ApiTags('ml')
@Controller('ml/models')
export class FeatureServiceController {
  constructor(private readonly bindings: FeatureServiceBindings) {}

  @Put(':name/versions/:version/feature-service')
  @ApiOperation({
    summary:
      "Bind a model version to online features: predict then fills them in from the entity keys a row carries (a column the row sends wins). view:feature is pinned to the view's latest version; an empty list unbinds. A version trained on historical features is bound to the ones it takes when registered.",
  })
  @ApiOkResponse({ schema: { example: { version: 3, featureService: { features: ['customer_stats@2:amount', 'customer_stats@2:segment'] } } } })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'An unknown or offline view, an unknown feature, two features of one name' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async bind(@Param() { name, version }: ModelVersionParamsDto, @Body() dto: FeatureServiceDto, @Req() req: AuthenticatedRequest) {
    const bound = await this.bindings.bind(name, version, dto.features, actorOf(req.principal));
    return { version: bound.version, featureService: bound.featureService };
  }
}
