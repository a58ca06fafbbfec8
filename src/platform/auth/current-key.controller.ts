import { Controller, Get, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { AppConfig } from '../config/app-config';
import { ErrorResponseDto } from '../errors/error-response.dto';
import { Scope, SCOPES } from './api-key.entity';
import type { AuthenticatedRequest } from './api-key.guard';
import { RequireScope } from './auth.decorators';
import { CurrentKeyDto } from './current-key.dto';

/** Who is asking, so a client (the web console) can show what its key allows before it tries. */
@ApiTags('keys')
@Controller('auth')
export class CurrentKeyController {
  constructor(private readonly config: AppConfig) {}

  @Get('me')
  @RequireScope('read')
  @ApiOperation({ summary: "The auth mode and the calling key: its name, scopes and profile (every scope when AUTH_MODE=none); admin implies the others" })
  @ApiOkResponse({ type: CurrentKeyDto })
  @ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'AUTH_MODE=api-key and no valid key was sent' })
  me(@Req() req: AuthenticatedRequest): CurrentKeyDto {
    const principal = req.principal;
    const scopes: readonly Scope[] = principal ? principal.scopes : SCOPES;
    const allows = Object.fromEntries(SCOPES.map((scope) => [scope, scopes.includes('admin') || scopes.includes(scope)])) as Record<Scope, boolean>;
    return { authMode: this.config.auth.mode, key: principal ? { name: principal.name, scopes: principal.scopes, profile: principal.profile } : null, allows };
  }
}
