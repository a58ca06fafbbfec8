import { Injectable } from '@nestjs/common';
import { ValidationFailedError } from '../../platform/errors/app-error';
import { EventBus } from '../../platform/events/event-bus';
import { HubEventMap } from '../../platform/events/hub-event';
import { seededRandom } from '../adapters/node/seeded-random';
import { ModelRouter } from '../inference/model-router';
import { ServingRuntimes } from '../inference/serving-runtimes';
import { checkRows } from '../inference/signature-check';
import { BackgroundSample } from './background-sample';
import { ExplainBodyDto } from './explain.dto';
import { MAX_EXACT_FEATURES, Row, shapleyValues } from './shapley';

/** Rows the model is run on for one explanation, at most: above it, ask for fewer permutations or a smaller background. */
const MAX_EVALUATIONS = 2_000_000;
/** Rows per model call while explaining (the serving runtime's batch). */
const CHUNK_ROWS = 20_000;

export interface RowExplanation {
  prediction: unknown;
  /** What is explained: the probability of the row's predicted class, or the regression value. */
  output: { kind: 'probability'; class: string } | { kind: 'value' };
  value: number;
  baseValue: number;
  contributions: Record<string, number>;
}

/**
 * Local explanations: Shapley values of each row's model output against a background sample, with
 * the model run by its serving runtime (Node in-process, Python in the serving pool), so every
 * servable version can be explained the same way.
 */
@Injectable()
export class ExplainService {
  constructor(
    private readonly router: ModelRouter,
    private readonly runtimes: ServingRuntimes,
    private readonly background: BackgroundSample,
    private readonly bus: EventBus,
  ) {}

  async explain(name: string, ref: string | undefined, dto: ExplainBodyDto) {
    const started = performance.now();
    const model = await this.router.route(name, ref);
    const { served } = model;
    const fieldOf = (prefix: string) => (row: number, column?: string) => `${prefix}[${row}]${column === undefined ? '' : `.${column}`}`;
    const problems = checkRows(dto.instances, served.inputs, fieldOf('instances'));
    if (dto.background?.rows) problems.push(...checkRows(dto.background.rows, served.inputs, fieldOf('background.rows')));
    if (problems.length) throw new ValidationFailedError(problems);
    const features = served.inputs.map((input) => input.name);
    if (features.length === 0) throw new ValidationFailedError([{ field: 'model', reason: 'the version has no input columns in its signature to explain' }]);
    const method = dto.method === 'exact' || dto.method === 'sampled' ? dto.method : features.length <= MAX_EXACT_FEATURES ? 'exact' : 'sampled';
    if (method === 'exact' && features.length > 16) throw new ValidationFailedError([{ field: 'method', reason: `exact enumeration of ${features.length} input columns is 2^${features.length} coalitions; use sampled` }]);
    const seed = dto.seed ?? 42;
    const permutations = Math.ceil((dto.permutations ?? 1000) / 2) * 2;
    const background = dto.background?.rows
      ? { rows: dto.background.rows.map((row) => Object.fromEntries(features.map((f) => [f, row[f]]))), source: 'request' }
      : await this.background.of(model.version, served.inputs, dto.background?.size ?? 50, seed).then(({ rows, dataset }) => ({ rows, source: `dataset ${dataset}` }));
    const coalitions = method === 'exact' ? 2 ** features.length : Math.min(2 ** features.length, permutations * (features.length + 1));
    if (coalitions * background.rows.length > MAX_EVALUATIONS) {
      throw new ValidationFailedError([{ field: method === 'exact' ? 'background.size' : 'permutations', reason: `${coalitions} coalitions × ${background.rows.length} background rows is more than ${MAX_EVALUATIONS} model runs; ask for fewer` }]);
    }

    const predicted = await this.runtimes.predict(model, dto.instances as Row[]);
    const results: RowExplanation[] = [];
    let evaluations = 0;
    for (const [i, row] of (dto.instances as Row[]).entries()) {
      const klass = served.task === 'classification' ? String(predicted.predictions[i]) : undefined;
      const evaluate = async (rows: Row[]) => {
        const { predictions, probabilities } = await this.runtimes.predict(model, rows);
        if (klass === undefined) return predictions.map(Number);
        // a classifier without probabilities: the indicator of the explained class
        return probabilities ? probabilities.map((p) => p[klass] ?? 0) : predictions.map((p) => (String(p) === klass ? 1 : 0));
      };
      const values = await shapleyValues(row, features, background.rows, evaluate, { method, permutations, random: seededRandom(seed + i), chunkRows: CHUNK_ROWS });
      evaluations += values.evaluations;
      const total = values.baseValue + Object.values(values.contributions).reduce((sum, v) => sum + v, 0);
      // efficiency holds by construction; a failure here is a defect, not the caller's problem
      if (Math.abs(total - values.value) > 1e-9 * Math.max(1, Math.abs(values.value))) throw new Error(`Shapley values of row ${i} sum to ${total}, not the model output ${values.value}`);
      results.push({ prediction: predicted.predictions[i], output: klass === undefined ? { kind: 'value' } : { kind: 'probability', class: klass }, value: values.value, baseValue: values.baseValue, contributions: values.contributions });
    }
    const latencyMs = Math.round(performance.now() - started);
    this.bus.publish<HubEventMap['ml.explanation']>('ml.explanation', { model: served.name, version: served.version, rows: results.length, method, evaluations, latencyMs }, served.name);
    return {
      model: { name: served.name, version: served.version },
      method,
      ...(method === 'sampled' ? { permutations } : {}),
      background: { rows: background.rows.length, source: background.source },
      results,
    };
  }
}
