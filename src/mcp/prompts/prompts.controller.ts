import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBadGatewayResponse, ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { NotFoundError, ValidationFailedError } from '../../platform/errors/app-error';
import { ErrorResponseDto } from '../../platform/errors/error-response.dto';
import { CatalogService } from '../catalog/catalog.service';
import { ServerFilterDto } from '../resources/resource.dto';
import { UpstreamManager } from '../upstream/upstream-manager.service';
import { RequireScope } from '../../platform/auth/auth.decorators';
import { GetPromptDto, GetPromptResultDto, PromptDto } from './prompt.dto';

@ApiTags('prompts')
@Controller('prompts')
export class PromptsController {
  constructor(
    private readonly catalog: CatalogService,
    private readonly upstreams: UpstreamManager,
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
  async get(@Param('server') server: string, @Param('prompt') name: string, @Body() body: GetPromptDto): Promise<GetPromptResultDto> {
    const prompt = this.catalog.prompt(server, name);
    if (!prompt) throw new NotFoundError('prompt', `${server}/${name}`, 'PROMPT_NOT_FOUND');
    const args = body.arguments ?? {};
    const problems = [
      ...Object.entries(args).filter(([, v]) => typeof v !== 'string').map(([k]) => ({ field: `arguments.${k}`, reason: 'must be a string' })),
      ...prompt.arguments.filter((a) => a.required && args[a.name as string] === undefined).map((a) => ({ field: `arguments.${String(a.name)}`, reason: 'is required' })),
    ];
    if (problems.length) throw new ValidationFailedError(problems);
    return this.upstreams.request(server, (client, options) => client.getPrompt({ name, arguments: args }, options));
  }
}
