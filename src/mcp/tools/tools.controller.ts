import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBadGatewayResponse,
  ApiBadRequestResponse,
  ApiGatewayTimeoutResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { NotFoundError } from '../../platform/errors/app-error';
import { ErrorResponseDto } from '../../platform/errors/error-response.dto';
import { CatalogService } from '../catalog/catalog.service';
import { CallToolDto, CallToolResultDto, ToolDto, ToolQueryDto } from './tool.dto';
import { ToolCallService } from './tool-call.service';
import { RequireScope } from '../../platform/auth/auth.decorators';

@ApiTags('tools')
@Controller('tools')
export class ToolsController {
  constructor(
    private readonly catalog: CatalogService,
    private readonly calls: ToolCallService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Tools of every upstream (from the catalog, including unavailable ones)' })
  @ApiOkResponse({ type: [ToolDto] })
  list(@Query() query: ToolQueryDto): ToolDto[] {
    return this.catalog.tools(query);
  }

  @Get(':server/:tool')
  @ApiOperation({ summary: 'One tool with its input and output schema' })
  @ApiOkResponse({ type: ToolDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  get(@Param('server') server: string, @Param('tool') tool: string): ToolDto {
    const found = this.catalog.tool(server, tool);
    if (!found) throw new NotFoundError('tool', `${server}/${tool}`, 'TOOL_NOT_FOUND');
    return found;
  }

  @Post(':server/:tool/call')
  @RequireScope('mcp')
  @HttpCode(200)
  @ApiOperation({ summary: 'Call a tool; arguments are validated against its inputSchema first' })
  @ApiOkResponse({ type: CallToolResultDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'An argument does not match the schema (nothing was sent upstream)' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'The server is not connected (yet): the body names its state, Retry-After says when to ask again' })
  @ApiBadGatewayResponse({
    type: ErrorResponseDto,
    description: 'The upstream answered with an error (its message is included), or with a result over MCP_UPSTREAM_MAX_MESSAGE_BYTES (UPSTREAM_RESULT_TOO_LARGE, with its size)',
  })
  @ApiGatewayTimeoutResponse({ type: ErrorResponseDto, description: 'The upstream did not answer in time' })
  call(@Param('server') server: string, @Param('tool') tool: string, @Body() body: CallToolDto): Promise<CallToolResultDto> {
    return this.calls.call(server, tool, body.arguments ?? {}, { timeoutMs: body.timeoutMs }) as Promise<CallToolResultDto>;
  }
}
