import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../platform/config/app-config';
import { FieldProblem, ValidationFailedError } from '../../platform/errors/app-error';
import { parsePredictionBody } from '../inference/prediction-body';
import { checkRows, MAX_PROBLEMS } from '../inference/signature-check';
import { ModelPredictor } from '../inference/model-predictor';
import { ModelVersion } from '../registry/registry.entities';
import { RegistryService } from '../registry/registry.service';
import { performanceOf, PerformanceResult } from './model-performance';

/** Labelled rows predicted per call while evaluating. */
const ROWS_PER_CALL = 1_000;
/** Every this many reports of a model, its rows beyond PREDICTION_LOG_MAX_ROWS are deleted. */
const PRUNE_EVERY = 20;

/**
 * Ground truth: labelled rows that clients report for a model once the outcome is known (a label
 * checked by a person, a sale that happened). A monitor run predicts the rows received in its window
 * with its version and compares the metric with the one the version was registered with.
 */
@Injectable()
export class GroundTruthService {
  /** Reports per model since its last prune. */
  private readonly reportsOf = new Map<string, number>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly registry: RegistryService,
    private readonly predictor: ModelPredictor,
    private readonly config: AppConfig,
  ) {}

  /** Checks the rows against the version's signature and the actuals against its output, then stores them. */
  async record(modelName: string, ref: string, body: { instances?: unknown; actuals?: unknown }): Promise<{ model: string; stored: number }> {
    const version = await this.registry.resolve(modelName, ref);
    const { rows, fieldOf } = parsePredictionBody({ instances: body.instances }, this.config.serving.maxRows);
    const actuals = body.actuals;
    if (!Array.isArray(actuals)) throw new ValidationFailedError([{ field: 'actuals', reason: 'must be a list with the observed outcome of each row, in the order of instances' }]);
    if (actuals.length !== rows.length) throw new ValidationFailedError([{ field: 'actuals', reason: `has ${actuals.length} values for ${rows.length} rows` }]);
    const inputs = version.signature?.inputs;
    if (!inputs?.length || !version.signature.output) throw new ValidationFailedError([{ field: 'instances', reason: `version ${version.version} of "${modelName}" has no signature, so its rows cannot be checked; report ground truth for a version trained by the hub` }]);
    const problems = checkRows(rows, inputs, fieldOf);
    const labels = actuals.map((actual, i) => labelOf(actual, version, `actuals[${i}]`, problems));
    if (problems.length) throw new ValidationFailedError(problems.slice(0, MAX_PROBLEMS));
    // every column as sent, not only this version's: the version a monitor judges may take others
    await this.dataSource.query(
      `INSERT INTO mcp_hub.ground_truth (model, time, input, actual) SELECT $1, $2, r.input, r.actual FROM jsonb_to_recordset($3::jsonb) AS r(input jsonb, actual jsonb)`,
      [modelName, new Date(), JSON.stringify(rows.map((input, i) => ({ input, actual: labels[i] })))],
    );
    const reports = (this.reportsOf.get(modelName) ?? 0) + 1;
    this.reportsOf.set(modelName, reports % PRUNE_EVERY);
    if (reports === 1) await this.prune(modelName);
    return { model: modelName, stored: rows.length };
  }

  /**
   * The version's metrics on the newest ground truth received in (from, to] (at most
   * PREDICTION_LOG_MAX_ROWS rows); null with fewer than minRows rows it can take. Rows that do not fit
   * its signature (reported for another version) are left out and counted as `skipped`.
   */
  async evaluate(modelName: string, version: ModelVersion, from: Date, to: Date, minRows: number, maxDecline: number): Promise<PerformanceResult | null> {
    const task = version.signature?.output?.task;
    if (task !== 'classification' && task !== 'regression') return null;
    const received = (await this.dataSource.query(`SELECT input, actual FROM mcp_hub.ground_truth WHERE model = $1 AND time > $2 AND time <= $3 ORDER BY id DESC LIMIT $4`, [modelName, from, to, this.config.serving.sampleMaxRows])) as { input: Record<string, unknown>; actual: unknown }[];
    const labelled = received.filter((r) => checkRows([r.input], version.signature.inputs, () => '').length === 0);
    if (labelled.length < minRows) return null;
    const predicted: unknown[] = [];
    for (let start = 0; start < labelled.length; start += ROWS_PER_CALL) {
      const rows = labelled.slice(start, start + ROWS_PER_CALL).map((r) => r.input);
      predicted.push(...(await this.predictor.predict({ model: modelName, ref: String(version.version), rows, source: 'monitor', sample: false })).predictions);
    }
    return { ...performanceOf(task, labelled.map((r) => r.actual), predicted, version.metrics ?? {}, maxDecline), skipped: received.length - labelled.length };
  }

  private async prune(model: string): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM mcp_hub.ground_truth WHERE model = $1 AND id < (SELECT id FROM mcp_hub.ground_truth WHERE model = $1 ORDER BY id DESC OFFSET $2 LIMIT 1)`,
      [model, this.config.serving.sampleMaxRows - 1],
    );
  }
}

/**
 * A classifier's outcome as the class it names (1 finds "1.0", true finds "True"); a regressor's, a
 * finite number. A problem is added for anything else.
 */
function labelOf(actual: unknown, version: ModelVersion, field: string, problems: FieldProblem[]): unknown {
  const output = version.signature.output!;
  if (output.task === 'regression') {
    if (typeof actual !== 'number' || !Number.isFinite(actual)) problems.push({ field, reason: `must be a number: ${output.name} is a regression target` });
    return actual;
  }
  if (!['string', 'number', 'boolean'].includes(typeof actual)) {
    problems.push({ field, reason: `must be a class label of ${output.name}` });
    return actual;
  }
  const classes = output.classes ?? [];
  if (!classes.length) return actual;
  const text = String(actual);
  const match = classes.find((c) => String(c) === text) ?? classes.find((c) => (typeof actual === 'boolean' ? String(c).toLowerCase() === text : typeof actual === 'number' && c.trim() !== '' && Number(c) === actual));
  if (match === undefined) problems.push({ field, reason: `"${text}" is not a class of ${output.name} (${classes.join(', ')})` });
  return match ?? actual;
}
