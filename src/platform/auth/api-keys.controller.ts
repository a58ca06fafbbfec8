import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from '../errors/error-response.dto';
import { ApiKey } from './api-key.entity';
import { ApiKeyDto, CreateApiKeyDto, CreatedApiKeyDto } from './api-key.dto';
import { ApiKeysService } from './api-keys.service';
import { RequireScope } from './auth.decorators';

const view = (key: ApiKey): ApiKeyDto => ({ id: key.id, name: key.name, prefix: key.prefix, scopes: key.scopes, profile: key.profile, createdAt: key.createdAt, lastUsedAt: key.lastUsedAt });

@ApiTags('keys')
@Controller('keys')
@RequireScope('admin')
@ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'AUTH_MODE=api-key and no valid key was sent' })
@ApiForbiddenResponse({ type: ErrorResponseDto, description: 'The key lacks the admin scope' })
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @ApiOperation({ summary: 'Create an API key; the secret is in this response only' })
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  async create(@Body() dto: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    const { key, secret } = await this.keys.create(dto.name, dto.scopes, dto.profile ?? null);
    return { ...view(key), key: secret };
  }

  @Get()
  @ApiOperation({ summary: 'List API keys (never their secrets)' })
  @ApiOkResponse({ type: [ApiKeyDto] })
  async list(): Promise<ApiKeyDto[]> {
    return (await this.keys.list()).map(view);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an API key; it stops working within seconds on every instance' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async delete(@Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.keys.delete(id);
  }
}
