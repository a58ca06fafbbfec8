import { once } from 'node:events';
import { createWriteStream, WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { EventBus } from '../../platform/events/event-bus';
import { HubEventMap } from '../../platform/events/hub-event';
import { DatasetsService } from '../datasets/datasets.service';
import { csvField } from '../features/copy-csv';
import { ColumnDrift, columnKind, DriftCheck, DriftThresholds, thresholdsWith } from './drift-check';
import { DriftMonitor, DriftMonitorRun } from './drift-monitor.entity';
import { GroundTruthService } from './ground-truth.service';
import { PredictionColumn } from './prediction-columns';
import { Output, outputLine, ReferencePredictions } from './reference-predictions';
import { TrainingReference } from './training-reference';

/** Prediction rows read per query while writing the current sample. */
const PAGE = 5_000;

interface LoggedPrediction extends Output {
  input: Record<string, unknown>;
}

type Reference = Awaited<ReturnType<TrainingReference['of']>>;
/** Runs one part of a run; a part that throws is noted in the run's error and answers undefined. */
type Attempt = <T>(part: string, work: () => Promise<T>) => Promise<T | undefined>;

/**
 * One run of a monitor over the predictions logged for its model version since the previous run (at
 * most windowSeconds back): their inputs against the version's training data (feature drift), their
 * outputs against the version's own predictions on that data (prediction drift), and the version's
 * metric on the ground truth received meanwhile against the one it was registered with (performance
 * decay). Any of the three publishes `ml.drift.detected`. Each part stands alone: one that fails is
 * noted in the run's error while the others still judge; too few rows is a skipped part, not a verdict.
 */
@Injectable()
export class MonitorRunner {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(DriftMonitorRun) private readonly runs: Repository<DriftMonitorRun>,
    private readonly reference: TrainingReference,
    private readonly referencePredictions: ReferencePredictions,
    private readonly groundTruth: GroundTruthService,
    private readonly datasets: DatasetsService,
    private readonly check: DriftCheck,
    private readonly bus: EventBus,
  ) {}

  async run(monitor: DriftMonitor): Promise<DriftMonitorRun> {
    const to = new Date();
    const previous = await this.runs.findOne({ where: { monitorId: monitor.id }, order: { windowTo: 'DESC' } });
    const windowStart = to.getTime() - monitor.windowSeconds * 1000;
    const from = new Date(Math.max(windowStart, previous?.windowTo.getTime() ?? 0));
    const record = (fields: Partial<DriftMonitorRun>) =>
      this.runs.save(
        this.runs.create({ id: uuidv7(), monitorId: monitor.id, version: null, windowFrom: from, windowTo: to, currentRows: 0, status: 'skipped', drifted: [], share: null, columns: [], predictions: [], predictionDrift: false, performance: null, error: null, createdAt: new Date(), ...fields }),
      );
    let reference: Reference;
    try {
      reference = await this.reference.of(monitor.model, monitor.ref);
    } catch (error) {
      return record({ status: 'failed', error: (error as Error).message });
    }
    const { version } = reference.model;
    // monitors made before a threshold existed take its default
    const thresholds = thresholdsWith(monitor.thresholds);
    const [{ count }] = (await this.dataSource.query(`SELECT count(*)::int AS count FROM mcp_hub.prediction_samples WHERE model = $1 AND version = $2 AND time > $3 AND time <= $4`, [monitor.model, version, from, to])) as [{ count: number }];
    const problems: string[] = [];
    const attempt = async <T>(part: string, work: () => Promise<T>): Promise<T | undefined> => {
      try {
        return await work();
      } catch (error) {
        problems.push(`${part}: ${(error as Error).message}`);
        return undefined;
      }
    };
    // labels arrive slowly: they collect from the last run that judged performance, within the window
    const judged = await this.runs.createQueryBuilder('run').select('MAX(run.windowTo)', 'at').where('run.monitorId = :id AND run.performance IS NOT NULL', { id: monitor.id }).getRawOne<{ at: Date | null }>();
    const labelsFrom = new Date(Math.max(windowStart, judged?.at ? new Date(judged.at).getTime() : 0));
    const performance = (await attempt('performance', () => this.groundTruth.evaluate(monitor.model, reference.version, labelsFrom, to, thresholds.minOutcomes, thresholds.performanceDrop))) ?? null;
    const enough = count >= monitor.minRows;
    const drift = enough ? await this.driftOf(monitor, reference, from, to, thresholds, attempt) : { columns: [], predictions: [] };
    if (!enough) problems.push(`${count} prediction rows in the window; at least ${monitor.minRows} are needed for drift`);
    const tested = drift.columns.filter((c) => c.drifted !== undefined);
    const drifted = tested.filter((c) => c.drifted).map((c) => c.name);
    const predictionDrift = drift.predictions.some((c) => c.drifted);
    const decayed = performance?.decayed ?? false;
    const judgedAnything = tested.length > 0 || drift.predictions.length > 0 || performance !== null;
    const failed = problems.length > (enough ? 0 : 1);
    const status = drifted.length || predictionDrift || decayed ? 'drift' : judgedAnything ? 'ok' : failed ? 'failed' : 'skipped';
    const run = await record({
      version,
      currentRows: count,
      status,
      drifted,
      share: tested.length ? drifted.length / tested.length : null,
      columns: drift.columns,
      predictions: drift.predictions,
      predictionDrift,
      performance,
      error: problems.length ? problems.join('; ') : null,
    });
    if (status === 'drift') {
      this.bus.publish<HubEventMap['ml.drift.detected']>(
        'ml.drift.detected',
        {
          monitor: monitor.name,
          model: monitor.model,
          version,
          drifted,
          share: run.share ?? 0,
          predictionDrift,
          ...(performance ? { performance: { metric: performance.metric, reference: performance.reference, current: performance.current, decayed } } : {}),
          runId: run.id,
          rows: count,
        },
        monitor.model,
      );
    }
    return run;
  }

  /** Feature and prediction drift of the logged predictions in the window. */
  private async driftOf(monitor: DriftMonitor, reference: Reference, from: Date, to: Date, thresholds: DriftThresholds, attempt: Attempt): Promise<{ columns: ColumnDrift[]; predictions: ColumnDrift[] }> {
    const { version } = reference.model;
    const files = { inputs: tempFile('csv'), outputs: tempFile('jsonl'), referenceOutputs: tempFile('jsonl') };
    try {
      const outputColumns = await attempt('prediction drift', () => this.referencePredictions.writeTo(files.referenceOutputs, monitor.model, reference.version, reference.dataset));
      const written = await attempt('logged predictions', () => this.writeWindow(files, reference.inputs, outputColumns, this.samples(monitor.model, version, from, to)));
      if (written === undefined) return { columns: [], predictions: [] };
      const columns = await attempt('input drift', async () => {
        const answer = await this.check.run(
          { path: await this.datasets.localCopy(reference.dataset), format: reference.dataset.format },
          { path: files.inputs, format: 'csv' },
          reference.inputs.map((name) => ({ name, kind: columnKind(reference.dataset.columns, name) })),
          thresholds,
        );
        return answer.columns;
      });
      const predictions =
        outputColumns &&
        (await attempt('prediction drift', async () => {
          const answer = await this.check.run({ path: files.referenceOutputs, format: 'jsonl' }, { path: files.outputs, format: 'jsonl' }, outputColumns.map(({ name, kind }) => ({ name, kind })), thresholds);
          return answer.columns;
        }));
      return { columns: columns ?? [], predictions: predictions ?? [] };
    } finally {
      await Promise.all(Object.values(files).map((path) => rm(path, { force: true })));
    }
  }

  /** The window's logged inputs (CSV) and, when the reference has them, outputs (JSON Lines), in one read of the log. */
  private async writeWindow(files: { inputs: string; outputs: string }, inputs: string[], outputs: PredictionColumn[] | undefined, pages: AsyncIterable<LoggedPrediction[]>): Promise<true> {
    const sinks = [createWriteStream(files.inputs), ...(outputs ? [createWriteStream(files.outputs)] : [])];
    // an error is reported by finished() below
    for (const sink of sinks) sink.on('error', () => undefined);
    const write = async (sink: WriteStream, text: string) => {
      if (!sink.write(text)) await once(sink, 'drain');
    };
    try {
      await write(sinks[0], `${inputs.join(',')}\n`);
      for await (const page of pages) {
        await write(sinks[0], page.map((row) => `${inputs.map((c) => csvField(row.input[c])).join(',')}\n`).join(''));
        if (outputs) await write(sinks[1], page.map((row) => `${outputLine(outputs, row)}\n`).join(''));
      }
    } finally {
      for (const sink of sinks) sink.end();
      await Promise.all(sinks.map((sink) => finished(sink)));
    }
    return true;
  }

  /** The logged predictions, oldest first, a page at a time (keyset on the sample id). */
  private async *samples(model: string, version: number, from: Date, to: Date): AsyncGenerator<LoggedPrediction[]> {
    let after = '0';
    for (;;) {
      const page = (await this.dataSource.query(
        `SELECT id::text AS id, input, prediction, probabilities FROM mcp_hub.prediction_samples WHERE model = $1 AND version = $2 AND time > $3 AND time <= $4 AND id > $5 ORDER BY id LIMIT ${PAGE}`,
        [model, version, from, to, after],
      )) as (LoggedPrediction & { id: string })[];
      if (page.length) yield page;
      if (page.length < PAGE) return;
      after = page[page.length - 1].id;
    }
  }
}

const tempFile = (extension: string) => join(tmpdir(), `mcp-hub-drift-${uuidv7()}.${extension}`);
