import { createWriteStream } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { EventBus } from '../../platform/events/event-bus';
import { HubEventMap } from '../../platform/events/hub-event';
import { DatasetsService } from '../datasets/datasets.service';
import { csvChunks } from '../features/copy-csv';
import { ColumnDrift, columnKind, DriftCheck, DriftThresholds, thresholdsWith } from './drift-check';
import { DriftMonitor, DriftMonitorRun } from './drift-monitor.entity';
import { GroundTruthService } from './ground-truth.service';
import { ReferencePredictions, writeCsv } from './reference-predictions';
import { TrainingReference } from './training-reference';

/** Prediction rows read per query while writing the current sample. */
const PAGE = 5_000;

interface LoggedPrediction {
  input: Record<string, unknown>;
  prediction: unknown;
  probabilities: Record<string, number> | null;
}

type Reference = Awaited<ReturnType<TrainingReference['of']>>;

/**
 * One run of a monitor over the predictions logged for its model version since the previous run (at
 * most windowSeconds back): their inputs against the version's training data (feature drift), their
 * outputs against the version's own predictions on that data (prediction drift), and the version's
 * metric on the ground truth received meanwhile against the one it was registered with (performance
 * decay). Any of the three publishes `ml.drift.detected`; too few rows is a skipped run, not a verdict.
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
    const from = new Date(Math.max(to.getTime() - monitor.windowSeconds * 1000, previous?.windowTo.getTime() ?? 0));
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
    try {
      const performance = await this.groundTruth.evaluate(monitor.model, reference.version, from, to, thresholds.minOutcomes, thresholds.performanceDrop);
      const tooFew = `${count} prediction rows in the window; at least ${monitor.minRows} are needed`;
      if (count < monitor.minRows && !performance) return record({ version, currentRows: count, error: tooFew });
      const drift = count >= monitor.minRows ? await this.driftOf(monitor, reference, from, to, thresholds) : { columns: [], predictions: [] };
      const tested = drift.columns.filter((c) => c.drifted !== undefined);
      const drifted = tested.filter((c) => c.drifted).map((c) => c.name);
      const predictionDrift = drift.predictions.some((c) => c.drifted);
      const decayed = performance?.decayed ?? false;
      const run = await record({
        version,
        currentRows: count,
        status: drifted.length || predictionDrift || decayed ? 'drift' : 'ok',
        drifted,
        share: tested.length ? drifted.length / tested.length : count >= monitor.minRows ? 0 : null,
        columns: drift.columns,
        predictions: drift.predictions,
        predictionDrift,
        performance,
        error: count < monitor.minRows ? `${tooFew}; judged on ground truth only` : null,
      });
      if (run.status === 'drift') {
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
    } catch (error) {
      return record({ version, currentRows: count, status: 'failed', error: (error as Error).message });
    }
  }

  /** Feature and prediction drift of the logged predictions in the window. */
  private async driftOf(monitor: DriftMonitor, reference: Reference, from: Date, to: Date, thresholds: DriftThresholds): Promise<{ columns: ColumnDrift[]; predictions: ColumnDrift[] }> {
    const { version } = reference.model;
    const files = { inputs: tempCsv(), outputs: tempCsv(), referenceOutputs: tempCsv() };
    try {
      await writeFile(files.inputs, `${reference.inputs.join(',')}\n`);
      await pipeline(Readable.from(csvChunks(this.samples(monitor.model, version, from, to), (row) => reference.inputs.map((c) => row.input[c]))), createWriteStream(files.inputs, { flags: 'a' }));
      const { columns } = await this.check.run(
        { path: await this.datasets.localCopy(reference.dataset), format: reference.dataset.format },
        { path: files.inputs, format: 'csv' },
        reference.inputs.map((name) => ({ name, kind: columnKind(reference.dataset.columns, name) })),
        thresholds,
      );
      const outputColumns = await this.referencePredictions.writeTo(files.referenceOutputs, monitor.model, reference.version, reference.dataset);
      await writeCsv(files.outputs, outputColumns, this.samples(monitor.model, version, from, to), (row) => [row.prediction, row.probabilities]);
      const { columns: predictions } = await this.check.run({ path: files.referenceOutputs, format: 'csv' }, { path: files.outputs, format: 'csv' }, outputColumns.map(({ name, kind }) => ({ name, kind })), thresholds);
      return { columns, predictions };
    } finally {
      await Promise.all(Object.values(files).map((path) => rm(path, { force: true })));
    }
  }

  /** The logged predictions, oldest first, a page at a time (keyset on the sample id). */
  private async *samples(model: string, version: number, from: Date, to: Date): AsyncGenerator<LoggedPrediction> {
    let after = '0';
    for (;;) {
      const page = (await this.dataSource.query(
        `SELECT id::text AS id, input, prediction, probabilities FROM mcp_hub.prediction_samples WHERE model = $1 AND version = $2 AND time > $3 AND time <= $4 AND id > $5 ORDER BY id LIMIT ${PAGE}`,
        [model, version, from, to, after],
      )) as (LoggedPrediction & { id: string })[];
      yield* page;
      if (page.length < PAGE) return;
      after = page[page.length - 1].id;
    }
  }
}

const tempCsv = () => join(tmpdir(), `mcp-hub-drift-${uuidv7()}.csv`);
