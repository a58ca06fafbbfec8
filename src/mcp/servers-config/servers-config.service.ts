import { createHash } from 'node:crypto';
import { FSWatcher, watch } from 'node:fs';
import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, resolve } from 'node:path';
import { ParseError, applyEdits, modify, parse } from 'jsonc-parser';
import { ConflictError } from '../../platform/errors/app-error';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../../platform/config/app-config';
import { EventBus } from '../../platform/events/event-bus';
import { ClusterChannel } from '../../platform/cluster/cluster-channel';
import { maskSecrets } from '../../platform/secrets/secret-mask';
import { ShutdownCoordinator } from '../../platform/shutdown/shutdown-coordinator';
import { UpstreamManager } from '../upstream/upstream-manager.service';
import { ConfigStatusDto } from './config-status.dto';
import { dependencyProblems } from './dependency-graph';
import { ServerDefinition } from './server-definition';
import { API_PLACEHOLDERS, toServerDefinition } from './server-entry';
import { ServerRecords } from './server-records.repository';
import { ServersConfigError, ServersDocument, commandsToRun, mergeDocuments, readServersDocument, toServersConfig } from './servers-file';
import { Profile } from './profile';
import { CommandOutcome, PlaceholderContext } from './placeholders';
import { runPlaceholderCommands } from './placeholder-commands';
import { DevModeWatcher } from './dev-mode-watcher';

const COMMAND_TIMEOUT_MS = 10_000;

/**
 * The desired set of upstream servers: the config files (merged, hot-reloaded; an invalid file keeps
 * the last good configuration running, an invalid entry disables only that server) plus the servers
 * added over the API. On a name clash the file wins.
 */
@Injectable()
export class ServersConfigService implements OnApplicationBootstrap {
  private readonly logger = new Logger('ServersConfig');
  private readonly paths: string[];
  private readonly texts = new Map<string, string>();
  private fileDefinitions: ServerDefinition[] = [];
  private fileProfiles: Profile[] = [];
  private apiDefinitions: ServerDefinition[] = [];
  private fileHash?: string;
  private watchers: FSWatcher[] = [];
  private debounce?: NodeJS.Timeout;
  private chain: Promise<unknown> = Promise.resolve();
  private status: ConfigStatusDto;
  private readonly devMode: DevModeWatcher;

  constructor(
    private readonly config: AppConfig,
    private readonly records: ServerRecords,
    private readonly manager: UpstreamManager,
    private readonly events: EventBus,
    private readonly cluster: ClusterChannel,
    coordinator: ShutdownCoordinator,
  ) {
    // API servers live in PostgreSQL, shared by every replica: a change made on one is applied on all
    const reloadFor = (trigger: string) => void this.reload(trigger).catch((e: Error) => this.logger.error(`Reload failed: ${e.message}`));
    cluster.on('servers', (trigger, origin) => reloadFor(`${String(trigger)} (on replica ${origin})`));
    // a change announced while this replica's Redis subscription was down would be missed
    let connections = 0;
    cluster.onReconnect(() => connections++ > 0 && reloadFor('the cluster channel reconnected'));
    this.paths = config.mcp.serversConfigPaths.map((path) => resolve(path));
    this.status = { path: this.paths[0], paths: this.paths, exists: false, ok: true, problems: [], fileServers: 0, apiServers: 0, watching: false };
    this.devMode = new DevModeWatcher(
      (server, file) => {
        this.logger.log(`dev mode: ${file} changed under ${server}'s folder; restarting ${server}`);
        void this.manager.restart(server).catch((e: Error) => this.logger.warn(`dev mode: restarting ${server} failed: ${e.message}`));
      },
      (message) => this.logger.warn(message),
    );
    coordinator.register({ phase: 'producers', name: 'servers-config-watcher', close: () => this.stopWatching() });
  }

  async onApplicationBootstrap(): Promise<void> {
    const sealed = await this.records.sealPlaintext();
    if (sealed.length > 0) this.logger.log(`Encrypted the secret fields of ${sealed.length} API server(s) stored before SECRETS_ENCRYPTION_KEY was set: ${sealed.join(', ')}`);
    await this.reload('boot');
    if (this.config.mcp.watchConfig) this.startWatching();
  }

  configStatus(): ConfigStatusDto {
    return { ...this.status, paths: [...this.paths], problems: [...this.status.problems] };
  }

  /** The config files, in merge order. */
  filePaths(): string[] {
    return [...this.paths];
  }

  /**
   * Sets `disabled` of a file server in the last file that defines it, keeping the file's comments and
   * layout (mcp-hub's stop with disable), then reloads. Undefined when no file defines it.
   */
  async setFileServerDisabled(name: string, disabled: boolean): Promise<string | undefined> {
    // in the reload chain: two edits (or an edit and a reload) never interleave
    const edited = this.chain.then(() => this.writeDisabled(name, disabled));
    this.chain = edited.catch(() => undefined);
    const path = await edited;
    if (path) await this.reload(`server ${name} ${disabled ? 'disabled' : 'enabled'} over the API`);
    return path;
  }

  private async writeDisabled(name: string, disabled: boolean): Promise<string | undefined> {
    const defines = (text: string | undefined) => (text === undefined ? undefined : keyHolding(text, name));
    const path = [...this.paths].reverse().find((p) => defines(this.texts.get(p)) !== undefined);
    if (!path) return undefined;
    const text = await readFile(path, 'utf8');
    const errors: ParseError[] = [];
    parse(text, errors, { allowTrailingComma: true });
    if (errors.length > 0) throw new ConflictError('SERVERS_FILE_INVALID', `${path} does not parse now; fix it before the hub edits it`, { path });
    const key = defines(text);
    if (!key) return undefined;
    const edits = modify(text, [key, name, 'disabled'], disabled ? true : undefined, { formattingOptions: { insertSpaces: true, tabSize: 2 } });
    // a new file renamed over the old one: a crash or a full disk never leaves half a config
    const temporary = `${path}.${process.pid}.tmp`;
    await writeFile(temporary, applyEdits(text, edits), { mode: (await stat(path)).mode });
    await rename(temporary, path);
    return path;
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

  /** After a change to the API servers in PostgreSQL: applies it here, then tells the other replicas to. */
  async apiServersChanged(trigger: string): Promise<void> {
    await this.reload(trigger);
    await this.cluster.publish('servers', trigger);
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
    this.devMode.sync(this.definitions());
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
    const documents: ServersDocument[] = [];
    let exists = false;
    for (const path of this.paths) {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return this.rejectFile([`cannot read ${path}: ${(error as Error).message}`], trigger);
        if (this.texts.delete(path)) this.logger.warn(`${path} was removed; its servers stop`);
        continue;
      }
      exists = true;
      this.texts.set(path, text);
      try {
        documents.push(readServersDocument(text, path));
      } catch (error) {
        if (!(error instanceof ServersConfigError)) throw error;
        return this.rejectFile(this.paths.length > 1 ? error.problems.map((p) => `${path}: ${p}`) : error.problems, trigger);
      }
    }
    this.status.exists = exists;
    const merged = mergeDocuments(documents);
    const hash = createHash('sha256').update(JSON.stringify([...merged.entries, merged.profiles])).digest('hex');
    // a file whose ${cmd:} output may have changed is re-read in full each time it is saved
    if (hash === this.fileHash && this.status.ok && commandsToRun(merged).size === 0) return;
    try {
      const parsed = toServersConfig(merged, await this.placeholderContext(merged));
      this.fileDefinitions = parsed.servers;
      this.fileProfiles = parsed.profiles;
      this.fileHash = hash;
      const problems = parsed.serverProblems.map(maskSecrets);
      Object.assign(this.status, { ok: true, problems, loadedAt: this.status.checkedAt });
      if (problems.length > 0) {
        this.logger.error(`${this.paths.join(', ')} (${trigger}): these servers stay disabled until fixed; the others run:\n  ${problems.join('\n  ')}`);
        this.events.publish('mcp.config.invalid', { path: this.paths[0], trigger, problems });
      }
    } catch (error) {
      if (!(error instanceof ServersConfigError)) throw error;
      this.rejectFile(error.problems, trigger);
    }
  }

  private async placeholderContext(document: ServersDocument): Promise<PlaceholderContext> {
    let commands: Map<string, CommandOutcome> | undefined;
    if (this.config.mcp.allowCmdPlaceholders) {
      const toRun = commandsToRun(document);
      commands = await runPlaceholderCommands(toRun, { timeoutMs: COMMAND_TIMEOUT_MS, cwd: this.config.mcp.workspace });
      if (toRun.size > 0) this.logger.log(`Ran ${toRun.size} \${cmd: ...} placeholder(s) of the servers file`);
    }
    return { env: process.env, inputs: this.config.mcp.inputs, workspaceFolder: this.config.mcp.workspace, userHome: homedir(), commands };
  }

  private rejectFile(found: string[], trigger: string): void {
    const problems = found.map(maskSecrets);
    Object.assign(this.status, { ok: false, problems });
    const keeping = this.fileDefinitions.length ? `keeping the last good configuration (${this.fileDefinitions.length} servers)` : 'no servers from the file until it is fixed';
    this.logger.error(`Invalid ${this.paths.join(', ')} (${trigger}); ${keeping}:\n  ${problems.join('\n  ')}`);
    this.events.publish('mcp.config.invalid', { path: this.paths[0], trigger, problems });
  }

  private async readApiServers(): Promise<ServerDefinition[]> {
    const { servers, unreadable } = await this.records.all();
    for (const { name, reason } of unreadable) {
      this.logger.error(`API server ${name} was skipped: ${reason}; start the hub with the SECRETS_ENCRYPTION_KEY it was stored with, or delete it and add it again`);
    }
    return servers.flatMap((record) => {
      const { definition, problems } = toServerDefinition(record.name, record.entry, 'api', API_PLACEHOLDERS);
      if (problems.length) this.logger.error(`API server ${record.name} is invalid and was skipped: ${maskSecrets(problems.join('; '))}`);
      return definition ? [definition] : [];
    });
  }

  private startWatching(): void {
    const files = new Map<string, Set<string>>();
    for (const path of this.paths) files.set(dirname(path), (files.get(dirname(path)) ?? new Set()).add(basename(path)));
    for (const [directory, names] of files) {
      try {
        const watcher = watch(directory, (_event, name) => {
          if (name !== null && !names.has(name)) return;
          clearTimeout(this.debounce);
          this.debounce = setTimeout(() => void this.reload('file changed').catch((e: Error) => this.logger.error(`Reload failed: ${e.message}`)), 150);
        });
        watcher.on('error', (error) => this.logger.warn(`Watching ${directory} failed: ${error.message}`));
        this.watchers.push(watcher);
        this.status.watching = true;
      } catch (error) {
        this.logger.warn(`Cannot watch ${directory}: ${(error as Error).message}; hot reload of ${[...names].join(', ')} is off`);
      }
    }
  }

  private stopWatching(): void {
    clearTimeout(this.debounce);
    for (const watcher of this.watchers.splice(0)) watcher.close();
    this.devMode.close();
    this.status.watching = false;
  }
}

/** Which top-level key of the file holds the entry `name` (`mcpServers` wins, as when reading), if any. */
function keyHolding(text: string, name: string): 'mcpServers' | 'servers' | undefined {
  const document = parse(text, [], { allowTrailingComma: true }) as { mcpServers?: Record<string, unknown>; servers?: Record<string, unknown> } | undefined;
  if (document?.mcpServers && Object.hasOwn(document.mcpServers, name)) return 'mcpServers';
  if (document?.servers && Object.hasOwn(document.servers, name)) return 'servers';
  return undefined;
}
