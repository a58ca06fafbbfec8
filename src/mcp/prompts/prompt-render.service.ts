import { Injectable } from '@nestjs/common';
import type { GetPromptResult } from '@modelcontextprotocol/sdk/types.js';
import { NotFoundError, ValidationFailedError } from '../../platform/errors/app-error';
import { CatalogService } from '../catalog/catalog.service';
import { UpstreamManager } from '../upstream/upstream-manager.service';

/** Renders a catalogued prompt upstream, after checking its arguments against what the prompt declares. */
@Injectable()
export class PromptRenderService {
  constructor(
    private readonly catalog: CatalogService,
    private readonly upstreams: UpstreamManager,
  ) {}

  render(server: string, name: string, args: Record<string, unknown>): Promise<GetPromptResult> {
    const prompt = this.catalog.prompt(server, name);
    if (!prompt) throw new NotFoundError('prompt', `${server}/${name}`, 'PROMPT_NOT_FOUND');
    const problems = [
      ...Object.entries(args).filter(([, v]) => typeof v !== 'string').map(([k]) => ({ field: `arguments.${k}`, reason: 'must be a string' })),
      ...prompt.arguments.filter((a) => a.required && args[a.name as string] === undefined).map((a) => ({ field: `arguments.${String(a.name)}`, reason: 'is required' })),
    ];
    if (problems.length) throw new ValidationFailedError(problems);
    return this.upstreams.request(server, (client, options) => client.getPrompt({ name, arguments: args as Record<string, string> }, options));
  }
}
