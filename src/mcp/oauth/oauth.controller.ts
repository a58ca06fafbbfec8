import { Controller, Get, Header, Param, Query, Res } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public, RequireScope } from '../../platform/auth/auth.decorators';
import { AppError } from '../../platform/errors/app-error';
import { ErrorResponseDto } from '../../platform/errors/error-response.dto';
import { UpstreamManager } from '../upstream/upstream-manager.service';
import { OAuthCallbackQueryDto } from './oauth.dto';
import { UpstreamOAuth } from './upstream-oauth.service';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (title: string, text: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></body></html>`;

/** OAuth 2.1 authorization of remote upstream servers: the URL a person opens, and the callback that finishes it. */
@ApiTags('oauth')
@Controller()
export class OAuthController {
  constructor(
    private readonly oauth: UpstreamOAuth,
    private readonly upstreams: UpstreamManager,
  ) {}

  @Get('servers/:name/authorize')
  @RequireScope('admin')
  @ApiOperation({ summary: 'The URL a person opens to authorize the hub at a remote server (OAuth 2.1 + PKCE); the server connects once the callback arrives' })
  @ApiOkResponse({ schema: { example: { server: 'github', authorizationUrl: 'https://auth.example.com/authorize?response_type=code&client_id=…&code_challenge=…&code_challenge_method=S256&state=…', state: 'unauthorized' } } })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'A stdio server, or one that holds valid tokens already' })
  async authorize(@Param('name') name: string) {
    const definition = this.upstreams.definition(name);
    const authorizationUrl = await this.oauth.authorize(definition);
    return { server: name, authorizationUrl, state: this.upstreams.status(name).state };
  }

  /** Reached by the person's browser, which has no API key: the single-use `state` is what authenticates it. */
  @Get('oauth/callback')
  @Public()
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Where the authorization server sends the browser back: exchanges the code for tokens (stored encrypted) and connects the server' })
  @ApiProduces('text/html')
  @ApiOkResponse({ description: 'A page saying the server is authorized' })
  async callback(@Query() query: OAuthCallbackQueryDto, @Res() res: Response): Promise<void> {
    res.type('html');
    if (query.error) {
      res.status(400).send(page('Authorization refused', `The authorization server answered ${query.error}${query.error_description ? `: ${query.error_description}` : ''}. Ask for a new URL and try again.`));
      return;
    }
    try {
      const server = await this.oauth.finish(query.state!, query.code!);
      // one stopped or disabled meanwhile stays so; it connects with the new tokens when started
      if (!['stopped', 'disabled'].includes(this.upstreams.status(server).state)) await this.upstreams.restart(server);
      res.status(200).send(page('Authorized', `The hub is authorized at ${server} and connects to it now. You can close this tab.`));
    } catch (error) {
      const status = error instanceof AppError ? error.status : 500;
      res.status(status).send(page('Authorization failed', error instanceof AppError ? error.message : 'Unexpected error; the hub log has the cause'));
    }
  }
}
