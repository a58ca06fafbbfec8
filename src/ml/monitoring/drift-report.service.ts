import { Injectable } from '@nestjs/common';
import { FieldProblem, NotFoundError, ValidationFailedError } from '../../platform/errors/app-error';
import { Dataset } from '../datasets/dataset.entity';
import { DatasetsService } from '../datasets/datasets.service';
import { columnKind, DriftCheck, thresholdsWith } from './drift-check';
import { DriftReportDto, DriftSideDto } from './drift-report.dto';
import { TrainingReference } from './training-reference';

/** A dataset is drifting when at least this share of its columns is. */
const DATASET_DRIFT_SHARE = 0.5;

/**
 * Drift reports between a reference (a model version's training data, or a dataset) and a current
 * dataset: per column the test its kind and sample size call for, PSI, and whether it drifted.
 */
@Injectable()
export class DriftReportService {
  constructor(
    private readonly reference: TrainingReference,
    private readonly datasets: DatasetsService,
    private readonly check: DriftCheck,
  ) {}

  async report(dto: DriftReportDto) {
    const reference = await this.side(dto.reference, 'reference');
    if (dto.current.model !== undefined) throw new ValidationFailedError([{ field: 'current.model', reason: 'the current data is a dataset (give current.dataset)' }]);
    const current = await this.side(dto.current, 'current');
    const profile = new Map(reference.dataset.columns.map((c) => [c.name, c]));
    const currentColumns = new Set(current.dataset.columns.map((c) => c.name));
    // by default the model's inputs, else every column the two datasets share
    const names = dto.columns ?? reference.inputs ?? [...profile.keys()].filter((name) => currentColumns.has(name));
    const problems: FieldProblem[] = [];
    names.forEach((name, i) => {
      if (!profile.has(name)) problems.push({ field: dto.columns ? `columns[${i}]` : 'reference', reason: `"${name}" is not a column of ${reference.dataset.name}` });
      else if (!currentColumns.has(name)) problems.push({ field: dto.columns ? `columns[${i}]` : 'current', reason: `"${name}" is not a column of ${current.dataset.name}` });
    });
    if (problems.length) throw new ValidationFailedError(problems);
    const thresholds = thresholdsWith(dto.thresholds);
    const started = performance.now();
    const { columns, peakRssMb } = await this.check.run(
      { path: await this.datasets.localCopy(reference.dataset), format: reference.dataset.format },
      { path: await this.datasets.localCopy(current.dataset), format: current.dataset.format },
      names.map((name) => ({ name, kind: columnKind(reference.dataset.columns, name) })),
      thresholds,
    );
    const tested = columns.filter((c) => c.drifted !== undefined);
    const drifted = tested.filter((c) => c.drifted).map((c) => c.name);
    const share = tested.length ? drifted.length / tested.length : 0;
    return {
      reference: { dataset: reference.dataset.name, rows: reference.dataset.rowCount, ...(reference.model ? { model: reference.model } : {}) },
      current: { dataset: current.dataset.name, rows: current.dataset.rowCount },
      thresholds,
      drifted,
      share,
      datasetDrift: share >= DATASET_DRIFT_SHARE,
      check: { seconds: Math.round(performance.now() - started) / 1000, peakRssMb },
      columns,
    };
  }

  private async side(side: DriftSideDto, field: 'reference' | 'current'): Promise<{ dataset: Dataset; inputs?: string[]; model?: { name: string; version: number } }> {
    if ((side.model === undefined) === (side.dataset === undefined)) throw new ValidationFailedError([{ field, reason: 'give exactly one of model and dataset' }]);
    const notFound = (what: string) => (error: unknown) => {
      if (error instanceof NotFoundError) throw new ValidationFailedError([{ field: `${field}.${what}`, reason: error.message }]);
      throw error;
    };
    if (side.dataset !== undefined) return { dataset: await this.datasets.get(side.dataset).catch(notFound('dataset')) };
    return this.reference.of(side.model!, side.ref ?? 'production').catch(notFound('model'));
  }
}
