import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { EventBus } from '../../platform/events/event-bus';
import { HubEventMap } from '../../platform/events/hub-event';
import { DatasetsService } from '../datasets/datasets.service';
import { csvChunks } from '../features/copy-csv';
import { columnKind, DriftCheck } from './drift-check';
import { DriftMonitor, DriftMonitorRun } from './drift-monitor.entity';
import { TrainingReference } from './training-reference';

/** Prediction rows read per query while writing the current sample. */
const PAGE = 5_000;

/**
 * One run of a monitor: the prediction inputs logged for its model version since the previous run
 * (at most windowSeconds back) against the version's training data. A drifted column publishes
 * `ml.drift.detected`; too few rows is a skipped run, not a verdict.
 */
@Injectable()
export class MonitorRunner {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(DriftMonitorRun) private readonly runs: Repository<DriftMonitorRun>,
    private readonly reference: TrainingReference,
    private readonly datasets: DatasetsService,
    private readonly check: DriftCheck,
    private readonly bus: EventBus,
  ) {}

  async run(monitor: DriftMonitor): Promise<DriftMonitorRun> {
    const to = new Date();
    const previous = await this.runs.findOne({ where: { monitorId: monitor.id }, order: { windowTo: 'DESC' } });
    const from = new Date(Math.max(to.getTime() - monitor.windowSeconds * 1000, previous?.windowTo.getTime() ?? 0));
    const record = (fields: Partial<DriftMonitorRun>) =>
      this.runs.save(this.runs.create({ id: uuidv7(), monitorId: monitor.id, version: null, windowFrom: from, windowTo: to, currentRows: 0, status: 'skipped', drifted: [], share: null, columns: [], error: null, createdAt: new Date(), ...fields }));
    let reference: Awaited<ReturnType<TrainingReference['of']>>;
    try {
      reference = await this.reference.of(monitor.model, monitor.ref);
    } catch (error) {
      return record({ status: 'failed', error: (error as Error).message });
    }
    const { version } = reference.model;
    const [{ count }] = (await this.dataSource.query(`SELECT count(*)::int AS count FROM mcp_hub.prediction_samples WHERE model = $1 AND version = $2 AND time > $3 AND time <= $4`, [monitor.model, version, from, to])) as [{ count: number }];
    if (count < monitor.minRows) return record({ version, currentRows: count, error: `${count} prediction rows in the window; at least ${monitor.minRows} are needed` });

    const path = join(tmpdir(), `mcp-hub-drift-${uuidv7()}.csv`);
    try {
      await writeFile(path, `${reference.inputs.join(',')}\n`);
      await pipeline(Readable.from(csvChunks(this.samples(monitor.model, version, from, to), (input) => reference.inputs.map((c) => input[c]))), createWriteStream(path, { flags: 'a' }));
      const { columns } = await this.check.run(
        { path: await this.datasets.localCopy(reference.dataset), format: reference.dataset.format },
        { path, format: 'csv' },
        reference.inputs.map((name) => ({ name, kind: columnKind(reference.dataset.columns, name) })),
        monitor.thresholds,
      );
      const tested = columns.filter((c) => c.drifted !== undefined);
      const drifted = tested.filter((c) => c.drifted).map((c) => c.name);
      const run = await record({ version, currentRows: count, status: drifted.length ? 'drift' : 'ok', drifted, share: tested.length ? drifted.length / tested.length : 0, columns });
      if (drifted.length) {
        this.bus.publish<HubEventMap['ml.drift.detected']>('ml.drift.detected', { monitor: monitor.name, model: monitor.model, version, drifted, share: run.share!, runId: run.id, rows: count }, monitor.model);
      }
      return run;
    } catch (error) {
      return record({ version, currentRows: count, status: 'failed', error: (error as Error).message });
    } finally {
      await rm(path, { force: true });
    }
  }

  /** The logged inputs, oldest first, a page at a time (keyset on the sample id). */
  private async *samples(model: string, version: number, from: Date, to: Date): AsyncGenerator<Record<string, unknown>> {
    let after = '0';
    for (;;) {
      const page = (await this.dataSource.query(
        `SELECT id::text AS id, input FROM mcp_hub.prediction_samples WHERE model = $1 AND version = $2 AND time > $3 AND time <= $4 AND id > $5 ORDER BY id LIMIT ${PAGE}`,
        [model, version, from, to, after],
      )) as { id: string; input: Record<string, unknown> }[];
      for (const row of page) yield row.input;
      if (page.length < PAGE) return;
      after = page[page.length - 1].id;
    }
  }
}
