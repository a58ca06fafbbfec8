import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBadGatewayResponse, ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { ErrorResponseDto } from '../../platform/errors/error-response.dto';
import { CatalogService } from '../catalog/catalog.service';
import { ServerFilterDto } from '../resources/resource.dto';
import { PromptRenderService } from './prompt-render.service';
import { RequireScope } from '../../platform/auth/auth.decorators';
import { GetPromptDto, GetPromptResultDto, PromptDto } from './prompt.dto';

@ApiTags('prompts')
@Controller('prompts')
export class PromptsController {
  constructor(
    private readonly catalog: CatalogService,
    private readonly prompts: PromptRenderService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Prompts of every upstream' })
  @ApiOkResponse({ type: [PromptDto] })
  list(@Query() query: ServerFilterDto): PromptDto[] {
    return this.catalog.prompts(query.server);
  }

  @Post(':server/:prompt/get')
  @RequireScope('mcp')
  @HttpCode(200)
  @ApiOperation({ summary: 'Render a prompt with its arguments' })
  @ApiOkResponse({ type: GetPromptResultDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'A required argument is missing or a value is not a string' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto })
  @ApiBadGatewayResponse({ type: ErrorResponseDto })
  get(@Param('server') server: string, @Param('prompt') name: string, @Body() body: GetPromptDto): Promise<GetPromptResultDto> {
    return this.prompts.render(server, name, body.arguments ?? {}) as Promise<GetPromptResultDto>;
  }
}
