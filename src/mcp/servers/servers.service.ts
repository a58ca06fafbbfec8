import { Injectable } from '@nestjs/common';
import { ConflictError, NotFoundError, ValidationFailedError } from '../../platform/errors/app-error';
import { CatalogService } from '../catalog/catalog.service';
import { ServerRecords, serverExists } from '../servers-config/server-records.repository';
import { ServersConfigService } from '../servers-config/servers-config.service';
import { API_PLACEHOLDERS, toServerDefinition } from '../servers-config/server-entry';
import { CreateServerDto, ServerEntryDto } from '../servers-config/server-entry.dto';
import { UpstreamManager } from '../upstream/upstream-manager.service';
import { ServerView, maskedDefinition } from './server-view';
import { ReplicaUpstreamStates } from './replica-upstream-states';

/** REST side of the servers: views of every server, and CRUD for the ones stored in PostgreSQL. */
@Injectable()
export class ServersService {
  constructor(
    private readonly records: ServerRecords,
    private readonly config: ServersConfigService,
    private readonly upstreams: UpstreamManager,
    private readonly catalog: CatalogService,
    private readonly replicaStates: ReplicaUpstreamStates,
  ) {}

  /** Every server this replica runs, each with its state on every live replica. */
  async list(): Promise<{ servers: ServerView[]; shadowed: string[] }> {
    const replicas = await this.replicaStates.byServer();
    return { servers: this.upstreams.statuses().map((status) => ({ ...this.view(status.name), replicas: replicas.get(status.name) ?? [] })), shadowed: this.config.shadowedApiServers() };
  }

  view(name: string): ServerView {
    const status = this.upstreams.status(name);
    const definition = this.upstreams.definition(name);
    return { ...status, source: definition.source, config: maskedDefinition(definition), catalog: this.catalog.counts(name) };
  }

  async create(dto: CreateServerDto): Promise<ServerView> {
    const { name, ...entry } = dto;
    if (this.config.isFileServer(name)) {
      throw new ConflictError('SERVER_DEFINED_IN_FILE', `Server "${name}" is defined in the config file, which wins over the API; pick another name or edit the file`, { name });
    }
    // a quick answer for the common case; the insert below is what settles a race
    if (await this.records.exists(name)) throw serverExists(name);
    this.check(name, entry);
    await this.records.insert(name, stripUndefined(entry));
    await this.config.apiServersChanged(`server ${name} added over the API`);
    return this.view(name);
  }

  async update(name: string, patch: ServerEntryDto): Promise<ServerView> {
    // a file server can be switched off and on (written to its file, comments kept); anything else is edited in the file
    const fields = Object.keys(stripUndefined(patch));
    if (this.config.isFileServer(name) && fields.length === 1 && fields[0] === 'disabled') {
      await this.config.setFileServerDisabled(name, patch.disabled!);
      return this.view(name);
    }
    const stored = await this.apiEntry(name, 'changed');
    const entry = { ...stored, ...stripUndefined(patch) };
    if (patch.url !== undefined) delete entry.command;
    if (patch.command !== undefined) delete entry.url;
    this.check(name, entry);
    await this.records.update(name, entry);
    await this.config.apiServersChanged(`server ${name} changed over the API`);
    return this.view(name);
  }

  async remove(name: string): Promise<void> {
    this.assertNotFileServer(name, 'removed');
    if (!(await this.records.exists(name))) throw new NotFoundError('MCP server', name, 'SERVER_NOT_FOUND');
    await this.records.delete(name);
    await this.config.apiServersChanged(`server ${name} removed over the API`);
  }

  private assertNotFileServer(name: string, action: string): void {
    if (this.config.isFileServer(name)) {
      throw new ConflictError('SERVER_DEFINED_IN_FILE', `Server "${name}" comes from the config file and can only be ${action} there`, { name });
    }
  }

  private async apiEntry(name: string, action: string): Promise<Record<string, unknown>> {
    this.assertNotFileServer(name, action);
    const entry = await this.records.find(name);
    if (!entry) throw new NotFoundError('MCP server', name, 'SERVER_NOT_FOUND');
    return entry;
  }

  private check(name: string, entry: object): void {
    const { definition, problems } = toServerDefinition(name, entry, 'api', API_PLACEHOLDERS);
    const all = definition ? this.config.problemsWith(definition) : [];
    const fieldProblems = problems.map((p) => {
      const [field, ...reason] = p.split(': ');
      return { field, reason: reason.join(': ') };
    });
    const graphProblems = all.map((reason) => ({ field: 'dependsOn', reason }));
    if (fieldProblems.length + graphProblems.length > 0) throw new ValidationFailedError([...fieldProblems, ...graphProblems]);
  }
}

function stripUndefined<T extends object>(value: T): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}
