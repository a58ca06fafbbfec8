import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { AppConfig } from '../../platform/config/app-config';
import { ShutdownCoordinator } from '../../platform/shutdown/shutdown-coordinator';
import { InputRow } from './model-predictor';
import { PredictionSample } from './prediction-sample.entity';
import { ServedModel } from './served-model';

/** Rows held in memory at most; past it samples are dropped (and counted) rather than growing the heap. */
const MAX_BUFFERED = 5000;
const FLUSH_EVERY_MS = 1000;
const FLUSH_AT_ROWS = 500;
/** Every this many flushes of a version, its samples beyond PREDICTION_LOG_MAX_ROWS are deleted. */
const PRUNE_EVERY = 20;

type Draft = Omit<PredictionSample, 'id'>;

/**
 * Stores a random sample (PREDICTION_LOG_SAMPLE_RATE) of predicted rows with their outputs. Rows are
 * buffered and written in one INSERT per second (or per 500 rows), never on the response path; the
 * shutdown's `flush` phase writes what is left. Each version keeps its newest PREDICTION_LOG_MAX_ROWS.
 */
@Injectable()
export class PredictionLog implements OnModuleDestroy {
  private readonly logger = new Logger('PredictionLog');
  private buffer: Draft[] = [];
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  private readonly flushesOf = new Map<string, number>();
  dropped = 0;
  stored = 0;

  constructor(
    @InjectRepository(PredictionSample) private readonly samples: Repository<PredictionSample>,
    private readonly config: AppConfig,
    coordinator: ShutdownCoordinator,
  ) {
    coordinator.register({ phase: 'flush', name: 'prediction-samples', close: () => this.flush() });
  }

  onModuleDestroy(): void {
    clearTimeout(this.timer);
  }

  /** Picks this request's sampled rows; cheap when the rate is 0 or nothing is picked. */
  record(model: ServedModel, source: string, rows: InputRow[], predictions: (string | number)[], probabilities: Record<string, number>[] | null, random: () => number = Math.random): void {
    const rate = this.config.serving.sampleRate;
    if (rate <= 0) return;
    const time = new Date();
    for (let i = 0; i < rows.length; i++) {
      if (random() >= rate) continue;
      if (this.buffer.length >= MAX_BUFFERED) {
        this.dropped++;
        continue;
      }
      const input = Object.fromEntries(model.inputs.map((c) => [c.name, rows[i][c.name] ?? null]));
      this.buffer.push({ time, model: model.name, version: model.version, source, input, prediction: predictions[i], probabilities: probabilities?.[i] ?? null });
    }
    if (this.buffer.length >= FLUSH_AT_ROWS) void this.flush();
    else if (this.buffer.length && !this.timer) {
      this.timer = setTimeout(() => void this.flush(), FLUSH_EVERY_MS);
      this.timer.unref();
    }
  }

  /** Writes every buffered sample; concurrent calls queue behind each other. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.flushing = this.flushing.then(() => this.write());
    return this.flushing;
  }

  private async write(): Promise<void> {
    const batch = this.buffer;
    this.buffer = [];
    if (!batch.length) return;
    try {
      await this.samples.insert(batch as QueryDeepPartialEntity<PredictionSample>[]);
      this.stored += batch.length;
      for (const key of new Set(batch.map((s) => `${s.model}\u0000${s.version}`))) await this.pruneSometimes(key);
    } catch (error) {
      this.dropped += batch.length;
      this.logger.warn(`Could not store ${batch.length} prediction samples: ${(error as Error).message}`);
    }
  }

  private async pruneSometimes(key: string): Promise<void> {
    const count = (this.flushesOf.get(key) ?? 0) + 1;
    this.flushesOf.set(key, count % PRUNE_EVERY);
    if (count % PRUNE_EVERY !== 1) return;
    const [model, version] = key.split('\u0000');
    await this.samples.query(
      `DELETE FROM mcp_hub.prediction_samples WHERE model = $1 AND version = $2 AND id < (
         SELECT id FROM mcp_hub.prediction_samples WHERE model = $1 AND version = $2 ORDER BY id DESC OFFSET $3 LIMIT 1)`,
      [model, Number(version), this.config.serving.sampleMaxRows - 1],
    );
  }
}
