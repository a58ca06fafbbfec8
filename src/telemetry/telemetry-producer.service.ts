import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import { AppConfig } from '../platform/config/app-config';
import { EventBus } from '../platform/events/event-bus';
import { HubEvent } from '../platform/events/hub-event';
import { RedisConnections } from '../platform/redis/redis-connections';
import { ShutdownCoordinator } from '../platform/shutdown/shutdown-coordinator';
import { HubInstanceService } from '../platform/instance/hub-instance.service';
import { EventIds } from './event-ids';
import { TelemetryEnvelope, isEventType } from './telemetry-envelope';
import { textGroups } from './text-groups';
import { ENTRY_FIELD, VALIDATED_FIELD, telemetryKeys } from './telemetry-stream';
import { DependencyUnavailableError } from '../platform/errors/app-error';
import { DEPENDENCY_HINTS } from '../platform/dependency-hints';

/**
 * XADD of each entry (ARGV[4..]) under field ARGV[2], marked with ARGV[3] = 1, the stream trimmed to
 * about ARGV[1] entries; as a script, so a batch is one command. A failure part way leaves the entries
 * before it written; written again on the retry, they are stored once (the consumer skips rows it has).
 */
const APPEND_SCRIPT = `for i = 4, #ARGV do redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', ARGV[2], ARGV[i], ARGV[3], '1') end return #ARGV - 3`;
const APPEND_COMMAND = 'telemetryAppend';
type AppendingRedis = Redis & { [APPEND_COMMAND]: (stream: string, maxLen: number, field: string, mark: string, ...entries: string[]) => Promise<number> };

/** Adds the append script to a connection (ioredis runs it by its SHA and loads it again after a Redis restart). */
function defineAppend(redis: Redis): Redis {
  if (!(APPEND_COMMAND in redis)) redis.defineCommand(APPEND_COMMAND, { numberOfKeys: 1, lua: APPEND_SCRIPT });
  return redis;
}

const BATCH_SIZE = 500;
/** JSON characters per append command, so REST batches of large events are split too. */
const MAX_COMMAND_CHARS = 1_000_000;
/** Bus events kept while Redis is away; past it the oldest go, so an outage costs events, not the process. */
export const MAX_BUFFERED_EVENTS = 100_000;
/** Batches written at once; while Redis is away they wait in ioredis's queue, the rest here under the bound above. */
const MAX_WRITES_IN_FLIGHT = 4;

/**
 * Puts envelopes on the telemetry stream (XADD, approximately trimmed). Events of the in-process bus
 * are buffered for TELEMETRY_BATCH_WINDOW_MS and written in batches, a script call each; the buffer is
 * flushed in the `flush` shutdown phase. REST ingest waits for its XADD, so an accepted event is in Redis.
 * Each write is a round trip that wakes Redis, so a longer window costs less CPU per event.
 */
@Injectable()
export class TelemetryProducer implements OnModuleInit {
  private readonly logger = new Logger('TelemetryProducer');
  private readonly redis: Redis;
  /** REST ingest writes here: a client waiting on its answer gets 503 while Redis is away, not a hang. */
  private readonly ingestRedis: Redis;
  private readonly keys: ReturnType<typeof telemetryKeys>;
  private buffer: TelemetryEnvelope[] = [];
  private timer?: NodeJS.Timeout;
  private stopped = false;
  /** Events dropped since Redis last took a write. */
  private dropped = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly source: string;
  /** Event types seen on the bus and whether they are valid telemetry types. */
  private readonly types = new Map<string, boolean>();
  private readonly ids = new EventIds();

  constructor(
    private readonly config: AppConfig,
    private readonly bus: EventBus,
    instance: HubInstanceService,
    redis: RedisConnections,
    coordinator: ShutdownCoordinator,
  ) {
    this.redis = defineAppend(redis.streamCommands);
    this.ingestRedis = defineAppend(redis.createFailFastConnection());
    this.keys = telemetryKeys(config);
    this.source = `mcp-hub/${instance.id}`;
    coordinator.register({ phase: 'flush', name: 'telemetry-buffer', close: () => this.stopAndFlush() });
  }

  onModuleInit(): void {
    this.bus.subscribe((event) => this.enqueue(this.fromBus(event)));
  }

  /** Writes the envelopes to the stream now; resolves once Redis has them, fails at once while Redis is away (503). */
  async publish(envelopes: TelemetryEnvelope[]): Promise<void> {
    try {
      await this.write(this.ingestRedis, envelopes);
    } catch (error) {
      throw new DependencyUnavailableError('redis', `The events were not accepted: Redis is unreachable (${(error as Error).message})`, DEPENDENCY_HINTS.redis, 5);
    }
  }

  /**
   * One command per BATCH_SIZE envelopes (or about 1 MB of them), still one stream entry per envelope:
   * a command per entry cost the hub more than its XADD cost Redis. A backlog after an outage goes as
   * many such commands, so no single script holds Redis for long.
   */
  private async write(redis: Redis, envelopes: TelemetryEnvelope[]): Promise<void> {
    const entries = envelopes.map((envelope) => JSON.stringify(envelope));
    await Promise.all(
      textGroups(entries, MAX_COMMAND_CHARS, BATCH_SIZE).map((group) =>
        (redis as AppendingRedis)[APPEND_COMMAND](this.keys.stream, this.config.telemetry.streamMaxLen, ENTRY_FIELD, VALIDATED_FIELD, ...group),
      ),
    );
  }

  pending(): number {
    return this.buffer.length;
  }

  private enqueue(envelope: TelemetryEnvelope | undefined): void {
    if (!envelope) return;
    this.buffer.push(envelope);
    if (this.buffer.length > MAX_BUFFERED_EVENTS) this.dropOldest();
    if (this.stopped) return;
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.buffer.length === 0) return;
    if (this.buffer.length >= BATCH_SIZE) this.flushIfRoom();
    else this.timer ??= setTimeout(() => this.flushIfRoom(), this.config.telemetry.batchWindowMs);
  }

  /** A finished write schedules the next, so events wait here rather than in an ever longer Redis queue. */
  private flushIfRoom(): void {
    this.timer = undefined;
    if (this.inFlight.size < MAX_WRITES_IN_FLIGHT) void this.flush();
  }

  private dropOldest(): void {
    const excess = this.buffer.length - MAX_BUFFERED_EVENTS;
    this.buffer.splice(0, excess);
    if (this.dropped === 0) this.logger.error(`Redis has been unreachable for ${MAX_BUFFERED_EVENTS} telemetry events; dropping the oldest from now on`);
    this.dropped += excess;
  }

  private flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.buffer.splice(0);
    const write = this.write(this.redis, batch).then(() => {
      if (this.dropped > 0) this.logger.warn(`Telemetry reaches Redis again; ${this.dropped} event(s) were dropped while it was away`);
      this.dropped = 0;
      // after the finally below has freed this write's slot
      if (!this.stopped) setImmediate(() => this.scheduleFlush());
    });
    const retried = write.catch((error: Error) => {
      this.buffer = batch.concat(this.buffer);
      if (this.buffer.length > MAX_BUFFERED_EVENTS) this.dropOldest();
      this.logger.warn(`Could not write ${batch.length} telemetry event(s) to Redis, keeping them for the next try: ${error.message}`);
      if (!this.stopped) this.timer = setTimeout(() => this.flushIfRoom(), 1000);
    });
    this.inFlight.add(retried);
    void retried.finally(() => this.inFlight.delete(retried));
    return retried;
  }

  private async stopAndFlush(): Promise<void> {
    await this.bus.delivered();
    this.stopped = true;
    await Promise.all([...this.inFlight]);
    while (this.buffer.length > 0) {
      const before = this.buffer.length;
      await this.flush();
      if (this.buffer.length >= before) throw new Error(`${this.buffer.length} telemetry event(s) could not reach Redis`);
    }
    clearTimeout(this.timer);
  }

  /**
   * A bus event as an envelope. Its id, time (toISOString), source and severity are made here and
   * valid by construction, so only the type is checked (once per type): this runs for every tool call.
   */
  private fromBus(event: HubEvent): TelemetryEnvelope | undefined {
    if (!this.knownType(event.type)) return undefined;
    const envelope: TelemetryEnvelope = { id: this.ids.next(), source: this.source, type: event.type, time: event.time, specversion: '1.0', severity: busSeverity(event) };
    // a cut may split a surrogate pair, which PostgreSQL refuses in JSON; names a caller made up may hold a lone one too
    if (event.subject) envelope.subject = wellFormed(event.subject.slice(0, 500));
    if (event.data !== undefined) envelope.data = event.data;
    return envelope;
  }

  private knownType(type: string): boolean {
    let valid = this.types.get(type);
    if (valid === undefined) {
      valid = isEventType(type);
      if (!valid) this.logger.warn(`Bus events of type ${JSON.stringify(type)} are not valid telemetry types and are not stored`);
      if (this.types.size < 10_000) this.types.set(type, valid);
    }
    return valid;
  }
}

const SEVERITIES = new Set(['debug', 'info', 'warn', 'error']);

/** An event that grades itself (data.severity, as telemetry.anomaly does) keeps that grade; otherwise failures are warn. */
function busSeverity(event: HubEvent): TelemetryEnvelope['severity'] {
  const data = (event.data ?? {}) as { outcome?: unknown; severity?: unknown };
  if (typeof data.severity === 'string' && SEVERITIES.has(data.severity)) return data.severity as TelemetryEnvelope['severity'];
  return event.type.endsWith('.invalid') || data.outcome === 'error' ? 'warn' : 'info';
}

/** The string with lone UTF-16 surrogates replaced by U+FFFD (String.prototype.toWellFormed, ES2024). */
const wellFormed = (text: string): string => (text as string & { toWellFormed(): string }).toWellFormed();
