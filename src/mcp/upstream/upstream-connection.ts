import { Logger } from '@nestjs/common';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { OAuthClientProvider, UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import {
  Notification,
  ServerRequest,
  PromptListChangedNotificationSchema,
  ResourceListChangedNotificationSchema,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { describeError } from '../../platform/errors/describe-error';
import { maskSecrets } from '../../platform/secrets/secret-mask';
import { HUB_VERSION } from '../../platform/version';
import { ServerDefinition } from '../servers-config/server-definition';
import { backoffDelay } from './backoff';
import { OversizedMessage } from './bounded-line-reader';
import { LineRingBuffer } from './ring-buffer';
import { ConnectAttempt, ServerState, ServerStatus } from './server-state';
import { InFlightOrigins } from './in-flight-origins';
import { SHARED_CLIENT_CAPABILITIES, answerServerRequests } from './server-requests';
import { TransportKind, createTransport, transportKinds } from './upstream-transport';
import { DirectRequests } from './direct-requests';

const STDERR_LINES = 500;

/** An error as shown in states, attempts, logs and events: fetch errors quote URLs with their credentials. */
const describe = (error: unknown) => maskSecrets(describeError(error));
const MAX_RECORDED_ATTEMPTS = 50;

export interface ConnectionHooks {
  onState(status: ServerStatus, previous: ServerState): void;
  /** Reads and stores the server's catalog; the server is reported connected once it resolves. */
  onConnected(client: Client): Promise<void>;
  onDisconnected(): void;
  onListChanged(): void;
  /** Every notification the upstream sends (list changes, log messages, resource updates, ...). */
  onNotification(notification: Notification): void;
  /** The upstream asks its client (sampling, elicitation, roots): a client session answers. */
  onServerRequest(request: ServerRequest, signal: AbortSignal): Promise<Record<string, unknown>>;
}

const AUTHORIZABLE_STATES = new Set<ServerState>(['connecting', 'backoff', 'connected', 'degraded']);

/**
 * One upstream MCP server: connects with retries (exponential backoff, full jitter), pings it,
 * and reconnects after its process exits, its stream drops or pings keep failing.
 * A `generation` number cancels stale loops: every stop, restart or reconnect starts a new one.
 */
export class UpstreamConnection {
  readonly stderr = new LineRingBuffer(STDERR_LINES);
  /** The callers waiting on this connection's answers. */
  readonly inFlight = new InFlightOrigins();
  /** Client sessions' requests on their own upstream sessions (isolation per-session), for relating what those send. */
  readonly ownInFlight = new InFlightOrigins();
  private readonly logger: Logger;
  private generation = 0;
  private client?: Client;
  private pingTimer?: NodeJS.Timeout;
  private wake?: () => void;
  private status: ServerStatus;

  constructor(
    readonly definition: ServerDefinition,
    private readonly hooks: ConnectionHooks,
    private readonly limits: { maxMessageBytes: number; authProvider?: OAuthClientProvider },
  ) {
    this.logger = new Logger(`Upstream:${definition.name}`);
    this.status = {
      name: definition.name,
      state: 'stopped',
      reason: 'not started',
      since: new Date().toISOString(),
      attempts: [],
      consecutivePingFailures: 0,
    };
  }

  get name(): string {
    return this.definition.name;
  }

  snapshot(): ServerStatus {
    return structuredClone(this.status);
  }

  /** The SDK client while connected (or degraded), else undefined. */
  get connectedClient(): Client | undefined {
    return this.status.state === 'connected' || this.status.state === 'degraded' ? this.client : undefined;
  }

  /** The SDK client from the end of the handshake on, including while its catalog is read. */
  get currentClient(): Client | undefined {
    return this.client;
  }

  start(): void {
    if (this.definition.disabled) {
      this.generation++;
      const problems = this.definition.problems;
      this.setState('disabled', problems?.length ? `not started: its entry in the servers file cannot run as written: ${maskSecrets(problems.join('; '))}` : 'disabled in its configuration');
      return;
    }
    void this.connectLoop(++this.generation, 'start');
  }

  /**
   * The server needs a person to authorize the hub (OAuth): no retries until that is done. A server
   * stopped or disabled on purpose stays so. The URL is not in the reason: whoever approves it decides
   * whose account the hub acts as, so only admin routes hand it out.
   */
  markUnauthorized(): void {
    if (!AUTHORIZABLE_STATES.has(this.status.state)) return;
    this.generation++;
    this.wake?.();
    void this.closeClient();
    this.setState('unauthorized', `needs authorization: run \`mcp-hub servers authorize ${this.definition.name}\` (or GET /api/servers/${this.definition.name}/authorize) and approve in a browser`);
  }

  markWaiting(reason: string): void {
    this.generation++;
    this.setState('waiting', reason);
  }

  async stop(reason: string): Promise<void> {
    this.generation++;
    this.wake?.();
    await this.closeClient();
    this.setState(this.definition.disabled ? 'disabled' : 'stopped', reason);
  }

  private async connectLoop(generation: number, why: string): Promise<void> {
    const { maxAttempts } = this.definition.retry;
    this.status.attempts = [];
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (generation !== this.generation) return;
      const record: ConnectAttempt = { attempt, startedAt: new Date().toISOString() };
      this.status.attempts = [...this.status.attempts, record].slice(-MAX_RECORDED_ATTEMPTS);
      this.setState('connecting', `${why}: attempt ${attempt} of ${maxAttempts}`);
      try {
        await this.connectOnce(generation);
        return;
      } catch (error) {
        if (generation !== this.generation) return;
        record.error = describe(error);
        this.status.lastError = record.error;
        if (attempt === maxAttempts) {
          this.setState('failed', `gave up after ${maxAttempts} attempt(s): ${record.error}`);
          return;
        }
        record.nextDelayMs = backoffDelay(this.definition.retry, attempt);
        this.setState('backoff', `attempt ${attempt} of ${maxAttempts} failed (${record.error}); retrying in ${record.nextDelayMs} ms`);
        await this.sleep(record.nextDelayMs);
      }
    }
  }

  private async connectOnce(generation: number): Promise<void> {
    let lastError: unknown;
    for (const kind of transportKinds(this.definition)) {
      const client = this.newClient();
      const transport = createTransport(this.definition, kind, { maxMessageBytes: this.limits.maxMessageBytes, onOversized: (message) => this.onOversized(message), authProvider: this.limits.authProvider });
      if (transport instanceof StdioClientTransport) transport.stderr?.on('data', (chunk: Buffer) => this.stderr.write(chunk.toString('utf8')));
      try {
        await client.connect(transport, { timeout: this.definition.timeouts.connectMs });
      } catch (error) {
        lastError = error;
        await client.close().catch(() => undefined);
        // the server answered, and wants a person to authorize the hub: another transport would not help
        if (error instanceof UnauthorizedError) break;
        continue;
      }
      if (generation !== this.generation) {
        await client.close().catch(() => undefined);
        return;
      }
      DirectRequests.attach(client);
      await this.onConnected(client, kind, transport instanceof StdioClientTransport ? (transport.pid ?? undefined) : undefined, generation);
      return;
    }
    throw lastError;
  }

  private newClient(): Client {
    const client = new Client({ name: 'mcp-hub', version: HUB_VERSION }, { capabilities: SHARED_CLIENT_CAPABILITIES });
    answerServerRequests(client, SHARED_CLIENT_CAPABILITIES, (request, signal) => this.hooks.onServerRequest(request, signal));
    for (const schema of [ToolListChangedNotificationSchema, ResourceListChangedNotificationSchema, PromptListChangedNotificationSchema]) {
      client.setNotificationHandler(schema, async (notification) => {
        this.hooks.onListChanged();
        this.hooks.onNotification(notification);
      });
    }
    client.fallbackNotificationHandler = async (notification) => this.hooks.onNotification(notification);
    return client;
  }

  /**
   * The handshake is done: the catalog is read and stored before the server is reported connected,
   * so a caller that sees `connected` finds its tools (a call before that gets 503, not 404).
   */
  private async onConnected(client: Client, kind: TransportKind, pid: number | undefined, generation: number): Promise<void> {
    this.client = client;
    this.status.transport = kind;
    this.status.pid = pid;
    this.status.consecutivePingFailures = 0;
    const info = client.getServerVersion();
    this.status.serverInfo = info ? { name: info.name, version: info.version } : undefined;
    client.onclose = () => this.onClosed(client, generation);
    const over = `over ${kind}${pid ? ` (pid ${pid})` : ''}`;
    this.setState('connecting', `initialized ${over}; reading its catalog`);
    await this.hooks.onConnected(client);
    if (generation !== this.generation || client !== this.client) return;
    this.setState('connected', `connected ${over}`);
    this.startPings(client, generation);
  }

  private onOversized({ bytes, limitBytes, requestId }: OversizedMessage): void {
    const what = requestId === undefined ? 'a message that answers no request of the hub' : `its answer to request ${requestId}`;
    this.logger.warn(`dropped ${what}: ${bytes} bytes is over the limit of ${limitBytes} bytes (MCP_UPSTREAM_MAX_MESSAGE_BYTES); the connection stays`);
  }

  /** The transport closed by itself: the process exited or the stream was lost. Reconnect. */
  private onClosed(client: Client, generation: number): void {
    if (generation !== this.generation || client !== this.client) return;
    this.client = undefined;
    this.stopPings();
    const what = this.status.pid ? `process ${this.status.pid} exited` : 'connection closed';
    this.logger.warn(`${what}; reconnecting`);
    this.hooks.onDisconnected();
    this.status.pid = undefined;
    void this.connectLoop(++this.generation, `reconnecting after ${what}`);
  }

  private startPings(client: Client, generation: number): void {
    const { intervalMs, timeoutMs, failureThreshold } = this.definition.healthCheck;
    this.stopPings();
    if (intervalMs <= 0) return;
    let inFlight = false;
    this.pingTimer = setInterval(async () => {
      if (inFlight || generation !== this.generation) return;
      inFlight = true;
      try {
        await client.ping({ timeout: timeoutMs });
        if (generation !== this.generation) return;
        if (this.status.consecutivePingFailures > 0) {
          this.status.consecutivePingFailures = 0;
          if (this.status.state === 'degraded') this.setState('connected', 'ping answered again');
        }
      } catch (error) {
        if (generation !== this.generation) return;
        const failures = ++this.status.consecutivePingFailures;
        this.status.lastError = `ping: ${describe(error)}`;
        if (failures >= failureThreshold) {
          this.logger.warn(`${failures} ping(s) failed in a row; reconnecting`);
          this.generation++;
          this.stopPings();
          const stale = this.client;
          this.client = undefined;
          this.hooks.onDisconnected();
          await stale?.close().catch(() => undefined);
          void this.connectLoop(this.generation, `reconnecting after ${failures} failed pings`);
        } else {
          this.setState('degraded', `ping failed ${failures} of ${failureThreshold} allowed: ${describe(error)}`);
        }
      } finally {
        inFlight = false;
      }
    }, intervalMs);
    this.pingTimer.unref();
  }

  private stopPings(): void {
    clearInterval(this.pingTimer);
    this.pingTimer = undefined;
  }

  private async closeClient(): Promise<void> {
    this.stopPings();
    const client = this.client;
    this.client = undefined;
    if (client) {
      this.hooks.onDisconnected();
      await client.close().catch((error: Error) => this.logger.warn(`close failed: ${describe(error)}`));
    }
    this.status.pid = undefined;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  private setState(state: ServerState, reason: string): void {
    const previous = this.status.state;
    this.status = { ...this.status, state, reason, since: new Date().toISOString() };
    this.hooks.onState(this.snapshot(), previous);
  }
}
