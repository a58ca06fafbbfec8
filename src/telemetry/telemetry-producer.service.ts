import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import { AppConfig } from '../platform/config/app-config';
import { EventBus } from '../platform/events/event-bus';
import { HubEvent } from '../platform/events/hub-event';
import { RedisConnections } from '../platform/redis/redis-connections';
import { ShutdownCoordinator } from '../platform/shutdown/shutdown-coordinator';
import { HubInstanceService } from '../platform/instance/hub-instance.service';
import { v7 as uuidv7 } from 'uuid';
import { TelemetryEnvelope, toEnvelopeFast } from './telemetry-envelope';
import { ENTRY_FIELD, telemetryKeys } from './telemetry-stream';

const BATCH_WINDOW_MS = 20;
const BATCH_SIZE = 500;

/**
 * Puts envelopes on the telemetry stream (XADD, approximately trimmed). Events of the in-process bus
 * are buffered for a short window and written in pipelined batches; the buffer is flushed in the
 * `flush` shutdown phase. REST ingest waits for its XADD, so an accepted event is in Redis.
 */
@Injectable()
export class TelemetryProducer implements OnModuleInit {
  private readonly logger = new Logger('TelemetryProducer');
  private readonly redis: Redis;
  private readonly keys: ReturnType<typeof telemetryKeys>;
  private buffer: TelemetryEnvelope[] = [];
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly source: string;

  constructor(
    private readonly config: AppConfig,
    private readonly bus: EventBus,
    instance: HubInstanceService,
    redis: RedisConnections,
    coordinator: ShutdownCoordinator,
  ) {
    this.redis = redis.streamCommands;
    this.keys = telemetryKeys(config);
    this.source = `mcp-hub/${instance.id}`;
    coordinator.register({ phase: 'flush', name: 'telemetry-buffer', close: () => this.stopAndFlush() });
  }

  onModuleInit(): void {
    this.bus.subscribe((event) => this.enqueue(this.fromBus(event)));
  }

  /** Writes the envelopes to the stream now; resolves once Redis has them. */
  async publish(envelopes: TelemetryEnvelope[]): Promise<void> {
    if (envelopes.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const envelope of envelopes) pipeline.xadd(this.keys.stream, 'MAXLEN', '~', this.config.telemetry.streamMaxLen, '*', ENTRY_FIELD, JSON.stringify(envelope));
    const results = await pipeline.exec();
    const failed = results?.find(([error]) => error);
    if (failed) throw failed[0];
  }

  pending(): number {
    return this.buffer.length;
  }

  private enqueue(envelope: TelemetryEnvelope | undefined): void {
    if (!envelope) return;
    this.buffer.push(envelope);
    if (this.stopped) return;
    if (this.buffer.length >= BATCH_SIZE) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), BATCH_WINDOW_MS);
  }

  private flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.buffer.splice(0);
    const write = this.publish(batch).catch((error: Error) => {
      this.buffer.unshift(...batch);
      this.logger.warn(`Could not write ${batch.length} telemetry event(s) to Redis, keeping them for the next try: ${error.message}`);
      if (!this.stopped) this.timer = setTimeout(() => void this.flush(), 1000);
    });
    this.inFlight.add(write);
    void write.finally(() => this.inFlight.delete(write));
    return write;
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

  private fromBus(event: HubEvent): TelemetryEnvelope | undefined {
    const result = toEnvelopeFast(
      {
        source: this.source,
        type: event.type,
        ...(event.subject ? { subject: event.subject.slice(0, 500) } : {}),
        severity: event.type.endsWith('.invalid') || (event.data as { outcome?: string }).outcome === 'error' ? 'warn' : 'info',
        data: event.data,
      },
      { id: uuidv7(), time: event.time },
    );
    return 'envelope' in result ? result.envelope : undefined;
  }
}
