import { createHash } from 'node:crypto';
import { FSWatcher, watch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../../platform/config/app-config';
import { EventBus } from '../../platform/events/event-bus';
import { maskSecrets } from '../../platform/secrets/secret-mask';
import { ShutdownCoordinator } from '../../platform/shutdown/shutdown-coordinator';
import { UpstreamManager } from '../upstream/upstream-manager.service';
import { ConfigStatusDto } from './config-status.dto';
import { dependencyProblems } from './dependency-graph';
import { ServerDefinition } from './server-definition';
import { toServerDefinition } from './server-entry';
import { ServerRecords } from './server-records.repository';
import { ServersConfigError, parseServersFile } from './servers-file';
import { Profile } from './profile';

/**
 * The desired set of upstream servers: the config file (hot-reloaded; an invalid file keeps the last
 * good one running) plus the servers added over the API. On a name clash the file wins.
 */
@Injectable()
export class ServersConfigService implements OnApplicationBootstrap {
  private readonly logger = new Logger('ServersConfig');
  private readonly path: string;
  private fileDefinitions: ServerDefinition[] = [];
  private fileProfiles: Profile[] = [];
  private apiDefinitions: ServerDefinition[] = [];
  private fileHash?: string;
  private watcher?: FSWatcher;
  private debounce?: NodeJS.Timeout;
  private chain: Promise<unknown> = Promise.resolve();
  private status: ConfigStatusDto;

  constructor(
    private readonly config: AppConfig,
    private readonly records: ServerRecords,
    private readonly manager: UpstreamManager,
    private readonly events: EventBus,
    coordinator: ShutdownCoordinator,
  ) {
    this.path = resolve(config.mcp.serversConfigPath);
    this.status = { path: this.path, exists: false, ok: true, problems: [], fileServers: 0, apiServers: 0, watching: false };
    coordinator.register({ phase: 'producers', name: 'servers-config-watcher', close: () => this.stopWatching() });
  }

  async onApplicationBootstrap(): Promise<void> {
    const sealed = await this.records.sealPlaintext();
    if (sealed.length > 0) this.logger.log(`Encrypted the secret fields of ${sealed.length} API server(s) stored before SECRETS_ENCRYPTION_KEY was set: ${sealed.join(', ')}`);
    await this.reload('boot');
    if (this.config.mcp.watchConfig) this.startWatching();
  }

  configStatus(): ConfigStatusDto {
    return { ...this.status, problems: [...this.status.problems] };
  }

  profiles(): Profile[] {
    return [...this.fileProfiles];
  }

  profile(name: string): Profile | undefined {
    return this.fileProfiles.find((p) => p.name === name);
  }

  isFileServer(name: string): boolean {
    return this.fileDefinitions.some((d) => d.name === name);
  }

  /** Every definition in force (file first, then API servers not shadowed by it). */
  definitions(): ServerDefinition[] {
    const fileNames = new Set(this.fileDefinitions.map((d) => d.name));
    return [...this.fileDefinitions, ...this.apiDefinitions.filter((d) => !fileNames.has(d.name))];
  }

  /** Names of API servers hidden by a file server of the same name. */
  shadowedApiServers(): string[] {
    return this.apiDefinitions.filter((d) => this.isFileServer(d.name)).map((d) => d.name);
  }

  /** Problems the union would have if `candidate` joined (or replaced its namesake among) the API servers. */
  problemsWith(candidate: ServerDefinition): string[] {
    const others = this.definitions().filter((d) => d.name !== candidate.name);
    const mentions = new RegExp(`(^|[\\s"])${candidate.name.replace(/[-]/g, '\\-')}([\\s"]|$)`);
    return dependencyProblems([...others, candidate]).filter((problem) => mentions.test(problem));
  }

  /** Re-reads the file and the API servers and applies the result; calls run one at a time. */
  reload(trigger: string): Promise<void> {
    const next = this.chain.then(() => this.reloadNow(trigger));
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async reloadNow(trigger: string): Promise<void> {
    await this.readFile(trigger);
    this.apiDefinitions = await this.readApiServers();
    const result = await this.manager.apply(this.definitions());
    this.status.fileServers = this.fileDefinitions.length;
    this.status.apiServers = this.apiDefinitions.length;
    if (result.added.length + result.removed.length + result.changed.length > 0) {
      this.logger.log(`Applied configuration (${trigger}): added [${result.added}] removed [${result.removed}] changed [${result.changed}]`);
      this.warnAboutCutOffCalls([...result.added, ...result.changed]);
    }
    this.events.publish('mcp.config.reloaded', { trigger, ok: this.status.ok, ...result });
  }

  /** MCP clients get -32001 after MCP_REQUEST_TIMEOUT_MS whatever a server allows: say so where a server allows more. */
  private warnAboutCutOffCalls(names: string[]): void {
    const deadline = this.config.mcp.requestTimeoutMs;
    const longer = this.definitions().filter((d) => names.includes(d.name) && d.timeouts.requestMs > deadline);
    if (longer.length === 0) return;
    this.logger.warn(
      `${longer.map((d) => `${d.name} (timeouts.requestMs ${d.timeouts.requestMs})`).join(', ')} allow(s) calls longer than MCP_REQUEST_TIMEOUT_MS (${deadline} ms); ` +
        'over /mcp, calls that send no progress are cut off at that deadline: raise MCP_REQUEST_TIMEOUT_MS',
    );
  }

  private async readFile(trigger: string): Promise<void> {
    this.status.checkedAt = new Date().toISOString();
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return this.rejectFile([`cannot read ${this.path}: ${(error as Error).message}`], trigger);
      if (this.status.exists) this.logger.warn(`${this.path} was removed; its servers stop`);
      Object.assign(this.status, { exists: false, ok: true, problems: [], loadedAt: this.status.checkedAt });
      this.fileDefinitions = [];
      this.fileProfiles = [];
      this.fileHash = undefined;
      return;
    }
    this.status.exists = true;
    const hash = createHash('sha256').update(text).digest('hex');
    if (hash === this.fileHash && this.status.ok) return;
    try {
      const parsed = parseServersFile(text, process.env);
      this.fileDefinitions = parsed.servers;
      this.fileProfiles = parsed.profiles;
      this.fileHash = hash;
      Object.assign(this.status, { ok: true, problems: [], loadedAt: this.status.checkedAt });
    } catch (error) {
      if (!(error instanceof ServersConfigError)) throw error;
      this.rejectFile(error.problems, trigger);
    }
  }

  private rejectFile(found: string[], trigger: string): void {
    const problems = found.map(maskSecrets);
    Object.assign(this.status, { ok: false, problems });
    const keeping = this.fileDefinitions.length ? `keeping the last good configuration (${this.fileDefinitions.length} servers)` : 'no servers from the file until it is fixed';
    this.logger.error(`Invalid ${this.path} (${trigger}); ${keeping}:\n  ${problems.join('\n  ')}`);
    this.events.publish('mcp.config.invalid', { path: this.path, trigger, problems });
  }

  private async readApiServers(): Promise<ServerDefinition[]> {
    const { servers, unreadable } = await this.records.all();
    for (const { name, reason } of unreadable) {
      this.logger.error(`API server ${name} was skipped: ${reason}; start the hub with the SECRETS_ENCRYPTION_KEY it was stored with, or delete it and add it again`);
    }
    return servers.flatMap((record) => {
      const { definition, problems } = toServerDefinition(record.name, record.entry, 'api', process.env);
      if (problems.length) this.logger.error(`API server ${record.name} is invalid and was skipped: ${maskSecrets(problems.join('; '))}`);
      return definition ? [definition] : [];
    });
  }

  private startWatching(): void {
    const file = basename(this.path);
    try {
      this.watcher = watch(dirname(this.path), (_event, name) => {
        if (name !== null && name !== file) return;
        clearTimeout(this.debounce);
        this.debounce = setTimeout(() => void this.reload('file changed').catch((e: Error) => this.logger.error(`Reload failed: ${e.message}`)), 150);
      });
      this.watcher.on('error', (error) => this.logger.warn(`Watching ${this.path} failed: ${error.message}`));
      this.status.watching = true;
    } catch (error) {
      this.logger.warn(`Cannot watch ${dirname(this.path)}: ${(error as Error).message}; hot reload is off`);
    }
  }

  private stopWatching(): void {
    clearTimeout(this.debounce);
    this.watcher?.close();
    this.status.watching = false;
  }
}
