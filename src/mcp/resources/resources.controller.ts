import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBadGatewayResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { ErrorResponseDto } from '../../platform/errors/error-response.dto';
import { CatalogService } from '../catalog/catalog.service';
import { ResourceReadService } from './resource-read.service';
import { RequireScope } from '../../platform/auth/auth.decorators';
import { ReadResourceDto, ReadResourceResultDto, ResourceListDto, ServerFilterDto } from './resource.dto';

@ApiTags('resources')
@Controller('resources')
export class ResourcesController {
  constructor(
    private readonly catalog: CatalogService,
    private readonly resources: ResourceReadService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Resources and resource templates of every upstream' })
  @ApiOkResponse({ type: ResourceListDto })
  list(@Query() query: ServerFilterDto): ResourceListDto {
    return { resources: this.catalog.resources(query.server), resourceTemplates: this.catalog.resourceTemplates(query.server) };
  }

  @Post('read')
  @RequireScope('mcp')
  @HttpCode(200)
  @ApiOperation({ summary: 'Read a resource by URI from the server that offers it' })
  @ApiOkResponse({ type: ReadResourceResultDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No server is given and none lists this URI' })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto })
  @ApiBadGatewayResponse({ type: ErrorResponseDto })
  async read(@Body() body: ReadResourceDto): Promise<ReadResourceResultDto> {
    const { server, result } = await this.resources.read(body.uri, body.server);
    return { server, contents: result.contents } as ReadResourceResultDto;
  }
}
