import { Injectable } from '@nestjs/common';
import type { ReadResourceResult } from '@modelcontextprotocol/sdk/types.js';
import { NotFoundError } from '../../platform/errors/app-error';
import { CatalogService } from '../catalog/catalog.service';
import { UpstreamManager } from '../upstream/upstream-manager.service';

/** Reads a resource from the given server, or from the server whose catalog lists the URI. */
@Injectable()
export class ResourceReadService {
  constructor(
    private readonly catalog: CatalogService,
    private readonly upstreams: UpstreamManager,
  ) {}

  async read(uri: string, server?: string): Promise<{ server: string; result: ReadResourceResult }> {
    const owner = server ?? this.catalog.resources().find((r) => r.uri === uri)?.serverName;
    if (!owner) throw new NotFoundError('resource', uri, 'RESOURCE_NOT_FOUND');
    return { server: owner, result: await this.upstreams.request(owner, (client, options) => client.readResource({ uri }, options)) };
  }
}
