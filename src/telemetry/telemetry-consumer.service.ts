import { hostname } from 'node:os';
import { setTimeout as wait } from 'node:timers/promises';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type Redis from 'ioredis';
import { AppConfig } from '../platform/config/app-config';
import { describeError } from '../platform/errors/describe-error';
import { HubInstanceService } from '../platform/instance/hub-instance.service';
import { InstanceRole } from '../platform/instance/instance-role';
import { RedisConnections } from '../platform/redis/redis-connections';
import { ShutdownCoordinator } from '../platform/shutdown/shutdown-coordinator';
import { ConsumerHealth } from './consumer-health';
import { PartitionMaintenance } from './partition-maintenance.service';
import { TelemetryEnvelope, toEnvelopeFast } from './telemetry-envelope';
import { TelemetryStore } from './telemetry-store';
import { TelemetryStats } from './telemetry-stats.service';
import { ENTRY_FIELD, VALIDATED_FIELD, fieldPairs, telemetryKeys } from './telemetry-stream';
import { v5 as uuidv5 } from 'uuid';

/** Namespace of the name-based ids given to stream entries that carry no id. */
const STREAM_ENTRY_NAMESPACE = '6f1d3a2e-9c4b-5e8f-a7d6-2b1c0e9f8a7d';

type StreamEntry = [id: string, fields: string[]];
const READ_COUNT = 5000;
const BLOCK_MS = 1000;
/** Pause after a failed read or write before the next try. */
const RETRY_MS = 500;
/**
 * A consumer of the group with nothing pending and idle this long (or TELEMETRY_CLAIM_IDLE_MS, if
 * longer) is gone: it is deleted so the group's consumer count is the live ones. A live consumer reads
 * at least every BLOCK_MS while it holds nothing, so it is never idle that long.
 */
const DEAD_CONSUMER_IDLE_MS = 5 * BLOCK_MS;
/** While a failure lasts, it is logged again this often (not on every retry). */
const REPEAT_LOG_MS = 30_000;

type ReadReply = [string, StreamEntry[]][] | null;

const isNoGroup = (error: unknown) => String((error as Error)?.message).startsWith('NOGROUP');

interface ParsedBatch {
  /** Envelopes validated here. */
  parsed: TelemetryEnvelope[];
  /** JSON of envelopes a hub's producer validated (marked VALIDATED_FIELD), taken as written. */
  marked: string[];
  /** The entries of both: acknowledged once stored, stored one by one should PostgreSQL refuse the batch. */
  goodEntries: StreamEntry[];
  bad: StreamEntry[];
}

/** PostgreSQL's data exceptions (22…) and integrity violations (23…): the rows, not the connection, are at fault. */
const isRefusedData = (error: unknown) => /^2[23]/.test(String((error as { code?: unknown }).code ?? ''));

const NO_DEFAULTS = { id: '', time: '' };

/**
 * A member of the `telemetry-writers` consumer group: reads batches from the stream, stores them (each
 * statement idempotent) and acknowledges only once they are stored. Entries another consumer left pending for
 * TELEMETRY_CLAIM_IDLE_MS are taken over; one delivered TELEMETRY_MAX_DELIVERIES times, or that is not
 * a valid event, goes to the dead-letter stream. Runs in the worker always, in the hub when enabled.
 * When Redis comes back without its data (NOGROUP) the group and stream are created again, from the
 * start of whatever the stream holds by then; `health` tells /api/health whether reads and writes work.
 */
@Injectable()
export class TelemetryConsumer implements OnApplicationBootstrap {
  private readonly logger = new Logger('TelemetryConsumer');
  private readonly keys: ReturnType<typeof telemetryKeys>;
  private readonly name: string;
  private commands?: Redis;
  private blocking?: Redis;
  private running = false;
  private loop?: Promise<void>;
  private claimTimer?: NodeJS.Timeout;
  private lastFailureLog = 0;
  /** Aborted on stop: ends the wait for a bigger batch at once. */
  private readonly stopping = new AbortController();
  readonly health = new ConsumerHealth();
  stored = 0;
  deadLettered = 0;

  constructor(
    private readonly config: AppConfig,
    private readonly store: TelemetryStore,
    private readonly redis: RedisConnections,
    private readonly role: InstanceRole,
    private readonly stats: TelemetryStats,
    private readonly partitions: PartitionMaintenance,
    instance: HubInstanceService,
    coordinator: ShutdownCoordinator,
  ) {
    this.keys = telemetryKeys(config);
    this.name = `${hostname()}-${process.pid}-${instance.id.slice(-8)}`;
    coordinator.register({ phase: 'workers', name: 'telemetry-consumer', close: () => this.stop() });
  }

  get enabled(): boolean {
    return this.role.role === 'worker' || this.config.telemetry.consumerEnabled;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.enabled) return;
    await this.partitions.ready();
    this.commands = this.redis.streamCommands;
    this.blocking = this.redis.createBlockingConnection();
    await this.ensureGroup();
    this.running = true;
    this.health.started();
    const claimEvery = Math.max(100, Math.min(15_000, Math.floor(this.config.telemetry.claimIdleMs / 2)));
    this.claimTimer = setInterval(() => void this.claimAbandoned().catch((e: Error) => !isNoGroup(e) && this.logger.warn(`Claiming pending entries failed: ${e.message}`)), claimEvery);
    this.claimTimer.unref();
    await this.claimAbandoned();
    this.loop = this.readLoop();
    this.logger.log(`Consumer ${this.name} reads ${this.keys.stream}`);
  }

  /** Creates the group (and the stream) unless it exists; new groups start at the beginning of the stream. */
  private async ensureGroup(): Promise<void> {
    try {
      await this.commands!.xgroup('CREATE', this.keys.stream, this.keys.group, '0', 'MKSTREAM');
    } catch (error) {
      if (!String((error as Error).message).includes('BUSYGROUP')) throw error;
    }
  }

  /**
   * Reads the next batch while the previous one is being written (one write in flight at a time);
   * entries are acknowledged only once they are stored, so overlapping loses nothing.
   */
  private async readLoop(): Promise<void> {
    let writing: Promise<boolean> = Promise.resolve(true);
    while (this.running) {
      const reply = await this.read();
      if (reply === undefined) continue;
      if (reply) {
        const entries = reply[0][1];
        const batch = this.parseBatch(entries);
        if (!(await writing)) await wait(RETRY_MS);
        writing = this.storeBatch(batch);
        // fewer, bigger batches: each costs three round trips and a PostgreSQL commit, whatever its size
        if (entries.length < READ_COUNT / 10 && this.running) await wait(this.config.telemetry.consumerGatherMs, undefined, { signal: this.stopping.signal }).catch(() => undefined);
      } else if (!(await writing)) {
        await wait(RETRY_MS);
        writing = Promise.resolve(true);
      }
    }
    await writing;
  }

  /** The next batch, null when none came within BLOCK_MS, undefined when the read failed. */
  private async read(): Promise<ReadReply | undefined> {
    try {
      const reply = (await this.blocking!.xreadgroup('GROUP', this.keys.group, this.name, 'COUNT', READ_COUNT, 'BLOCK', BLOCK_MS, 'STREAMS', this.keys.stream, '>')) as ReadReply;
      const failedFor = this.health.readFailingForMs();
      if (failedFor !== undefined) this.logger.log(`Reading ${this.keys.stream} again after ${failedFor} ms of failures`);
      this.health.readSucceeded();
      return reply;
    } catch (error) {
      if (!this.running) return undefined;
      const first = this.health.readFailed(describeError(error));
      if (isNoGroup(error)) {
        this.logger.warn(`Consumer group ${this.keys.group} of ${this.keys.stream} is gone (Redis restarted without its data?); creating it again`);
        try {
          await this.ensureGroup();
          return undefined;
        } catch (createError) {
          this.health.readFailed(`${describeError(error)}; creating the group failed: ${describeError(createError)}`);
        }
      } else {
        this.logFailure(first, `Reading ${this.keys.stream} failed: ${describeError(error)}; retrying every ${RETRY_MS} ms`);
      }
      await wait(RETRY_MS);
      return undefined;
    }
  }

  /** Writes a batch; false when that failed (its entries stay pending and are claimed again later). */
  private async storeBatch(batch: ParsedBatch): Promise<boolean> {
    const failingFor = this.health.writeFailingForMs();
    try {
      await this.write(batch);
      if (failingFor !== undefined) this.logger.log(`Storing telemetry again after ${failingFor} ms of failures`);
      return true;
    } catch (error) {
      if (!this.running) return false;
      this.logFailure(failingFor === undefined, `Storing ${batch.goodEntries.length} telemetry event(s) failed: ${describeError(error)}; they stay pending and are retried after TELEMETRY_CLAIM_IDLE_MS`);
      return false;
    }
  }

  private logFailure(first: boolean, message: string): void {
    if (!first && Date.now() - this.lastFailureLog < REPEAT_LOG_MS) return;
    this.lastFailureLog = Date.now();
    this.logger.warn(message);
  }

  /**
   * Splits entries into envelopes to store and invalid ones. Entries a hub's producer validated are
   * taken as written: parsing and serialising each again cost the hub more than storing it.
   */
  private parseBatch(entries: StreamEntry[]): ParsedBatch {
    const batch: ParsedBatch = { parsed: [], marked: [], goodEntries: [], bad: [] };
    for (const entry of entries) {
      const [id, fields] = entry;
      if (fields.length === 4 && fields[0] === ENTRY_FIELD && fields[2] === VALIDATED_FIELD && fields[3] === '1') {
        batch.marked.push(fields[1]);
      } else {
        const envelope = this.parse(id, fields);
        if (!envelope) {
          batch.bad.push(entry);
          continue;
        }
        batch.parsed.push(envelope);
      }
      batch.goodEntries.push(entry);
    }
    return batch;
  }

  /**
   * Stores the valid entries, then acknowledges them; invalid ones go to the dead-letter stream. When
   * PostgreSQL refuses the batch's data, its entries are stored one by one.
   */
  private async write(batch: ParsedBatch): Promise<void> {
    try {
      for (const [id, fields] of batch.bad) await this.deadLetter(id, fields, 'not a valid telemetry event');
      if (batch.goodEntries.length > 0) {
        try {
          this.stored += await this.store.insert(batch.parsed);
          this.stored += await this.store.insertJson(batch.marked);
          await this.commands!.xack(this.keys.stream, this.keys.group, ...batch.goodEntries.map(([id]) => id));
        } catch (error) {
          if (!isRefusedData(error)) throw error;
          this.logger.warn(`PostgreSQL refused a batch of ${batch.goodEntries.length} telemetry event(s) (${describeError(error)}); storing them one by one`);
          await this.storeOneByOne(batch.goodEntries);
        }
      }
      this.health.writeSucceeded();
    } catch (error) {
      this.health.writeFailed(describeError(error));
      throw error;
    }
  }

  /**
   * Each entry validated here whatever its mark, and stored and acknowledged on its own (rows already
   * stored are skipped), so an entry PostgreSQL refuses (a NUL character, a date it cannot hold) goes
   * to the dead-letter stream with the reason and costs no other entry.
   */
  private async storeOneByOne(entries: StreamEntry[]): Promise<void> {
    for (const [id, fields] of entries) {
      const envelope = this.parse(id, fields);
      if (!envelope) {
        await this.deadLetter(id, fields, 'not a valid telemetry event');
        continue;
      }
      try {
        this.stored += await this.store.insertJson([JSON.stringify(envelope)]);
      } catch (error) {
        if (!isRefusedData(error)) throw error;
        await this.deadLetter(id, fields, `refused by PostgreSQL: ${describeError(error)}`);
        continue;
      }
      await this.commands!.xack(this.keys.stream, this.keys.group, id);
    }
  }

  /** An entry without id or time gets them from its stream id, so every delivery of it is the same row. */
  private parse(entryId: string, fields: string[]): TelemetryEnvelope | undefined {
    const index = fields.indexOf(ENTRY_FIELD);
    if (index < 0 || index % 2 !== 0) return undefined;
    try {
      const raw = JSON.parse(fields[index + 1]) as { id?: unknown; time?: unknown } | null;
      const complete = !!raw && typeof raw === 'object' && raw.id !== undefined && raw.time !== undefined;
      const defaults = complete ? NO_DEFAULTS : { id: uuidv5(`${this.keys.stream}/${entryId}`, STREAM_ENTRY_NAMESPACE), time: new Date(Number(entryId.split('-')[0])).toISOString() };
      const result = toEnvelopeFast(raw, defaults);
      return 'envelope' in result ? result.envelope : undefined;
    } catch {
      return undefined;
    }
  }

  private claiming?: Promise<void>;

  /**
   * Takes over entries pending longer than the claim time; those delivered too often go to the
   * dead-letter stream. One run at a time: overlapping runs would dead-letter an entry twice.
   */
  private claimAbandoned(): Promise<void> {
    this.claiming ??= this.claimOnce().finally(() => (this.claiming = undefined));
    return this.claiming;
  }

  private async claimOnce(): Promise<void> {
    if (!this.commands) return;
    await this.warnOnBacklog();
    await this.deleteDeadConsumers();
    for (;;) {
      const pending = (await this.commands.xpending(this.keys.stream, this.keys.group, 'IDLE', this.config.telemetry.claimIdleMs, '-', '+', READ_COUNT)) as [string, string, number, number][];
      if (pending.length === 0) return;
      const exhausted = new Set(pending.filter(([, , , deliveries]) => deliveries >= this.config.telemetry.maxDeliveries).map(([id]) => id));
      for (const id of exhausted) {
        const [entry] = (await this.commands.xrange(this.keys.stream, id, id)) as StreamEntry[];
        await this.deadLetter(id, entry?.[1] ?? [], `delivered ${this.config.telemetry.maxDeliveries} times without being stored`);
      }
      const retry = pending.filter(([id]) => !exhausted.has(id)).map(([id]) => id);
      if (retry.length > 0) {
        const claimed = (await this.commands.xclaim(this.keys.stream, this.keys.group, this.name, this.config.telemetry.claimIdleMs, ...retry)) as StreamEntry[];
        const present = claimed.filter((entry) => entry && entry[1]);
        if (present.length) {
          this.logger.log(`Took over ${present.length} telemetry entr${present.length === 1 ? 'y' : 'ies'} left pending by another consumer`);
          await this.write(this.parseBatch(present));
        }
      }
      if (pending.length < READ_COUNT) return;
    }
  }

  /** Removes consumers that hold no pending entries and have been idle past the limit (see DEAD_CONSUMER_IDLE_MS). */
  private async deleteDeadConsumers(): Promise<void> {
    const limit = Math.max(DEAD_CONSUMER_IDLE_MS, this.config.telemetry.claimIdleMs);
    let consumers: unknown[][];
    try {
      consumers = (await this.commands!.xinfo('CONSUMERS', this.keys.stream, this.keys.group)) as unknown[][];
    } catch (error) {
      // the stream or group is gone (Redis restarted empty): the read loop creates them again, nothing to delete
      if (isNoGroup(error) || String((error as Error).message).includes('no such key')) return;
      throw error;
    }
    for (const fields of consumers) {
      const consumer = new Map(fieldPairs(fields));
      const name = String(consumer.get('name'));
      if (name === this.name || Number(consumer.get('pending')) > 0 || Number(consumer.get('idle')) < limit) continue;
      // DELCONSUMER would drop entries pending for it; it holds none, and a consumer reading again is re-created
      await this.commands!.xgroup('DELCONSUMER', this.keys.stream, this.keys.group, name);
      this.logger.log(`Removed consumer ${name} from ${this.keys.group}: nothing pending, idle ${consumer.get('idle')} ms`);
    }
  }

  private lastBacklogWarning = 0;

  /** The stream is trimmed to about TELEMETRY_STREAM_MAXLEN: say so well before unstored entries could be trimmed. */
  private async warnOnBacklog(): Promise<void> {
    const state = await this.stats.stream();
    const backlog = (state.lag ?? 0) + state.pending;
    if (backlog > this.config.telemetry.streamMaxLen / 2 && Date.now() - this.lastBacklogWarning > 60_000) {
      this.lastBacklogWarning = Date.now();
      this.logger.warn(`${backlog} telemetry events wait to be stored, past half of TELEMETRY_STREAM_MAXLEN (${this.config.telemetry.streamMaxLen}); start more consumers (npm run worker) before entries are trimmed`);
    }
  }

  private async deadLetter(id: string, fields: string[], reason: string): Promise<void> {
    await this.commands!.xadd(this.keys.deadLetter, '*', 'id', id, 'reason', reason, 'fields', JSON.stringify(fields));
    await this.commands!.xack(this.keys.stream, this.keys.group, id);
    this.deadLettered++;
    this.logger.warn(`Telemetry entry ${id} moved to ${this.keys.deadLetter}: ${reason}`);
  }

  private async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.claimTimer);
    this.stopping.abort();
    await this.loop;
  }
}
