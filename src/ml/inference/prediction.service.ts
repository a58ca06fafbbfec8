import { Injectable } from '@nestjs/common';
import { AppError, ValidationFailedError } from '../../platform/errors/app-error';
import { EventBus } from '../../platform/events/event-bus';
import { PredictionEventData } from '../../platform/events/hub-event';
import { OnlineFeatureFill } from '../features/online-feature-fill';
import { ModelPredictor, PredictionRequest, PredictionResult } from './model-predictor';
import { ModelRouter } from './model-router';
import { recordFieldOf } from './prediction-body';
import { PredictionLog } from './prediction-log';
import { ServingRuntimes } from './serving-runtimes';
import { checkRows } from './signature-check';

const defaultFieldOf = recordFieldOf('instances');

/**
 * Runs a registered model on rows: picks the loaded version for (model, ref), fills in the online
 * features of its feature service (when it has one) for rows that carry entity keys, checks every row
 * against its signature before the model sees any, predicts on the version's runtime, then
 * publishes `ml.prediction` and hands a sample of the rows to the prediction log (both off the
 * response path: the bus delivers after the response, the log writes in batches).
 */
@Injectable()
export class PredictionService extends ModelPredictor {
  constructor(
    private readonly router: ModelRouter,
    private readonly runtimes: ServingRuntimes,
    private readonly log: PredictionLog,
    private readonly bus: EventBus,
    private readonly features: OnlineFeatureFill,
  ) {
    super();
  }

  async predict(request: PredictionRequest): Promise<PredictionResult> {
    const started = performance.now();
    const fieldOf = request.fieldOf ?? defaultFieldOf;
    let version: number | null = null;
    try {
      if (!Array.isArray(request.rows) || request.rows.length === 0) throw new ValidationFailedError([{ field: fieldOf(0).replace(/\[0\]$/, ''), reason: 'holds no rows; send at least one' }]);
      const model = await this.router.route(request.model, request.ref);
      const { served } = model;
      version = served.version;
      const bound = model.version.featureService?.features;
      const rows = bound?.length ? await this.features.fill(bound, request.rows, fieldOf) : request.rows;
      const problems = checkRows(rows, served.inputs, fieldOf);
      if (problems.length) throw new ValidationFailedError(problems);
      await request.admit?.();
      const { predictions, probabilities } = await this.runtimes.predict(model, rows);
      this.publish(request, version, started, 'ok');
      if (request.sample !== false) this.log.record(served, request.source, rows, predictions, probabilities);
      return { model: { name: served.name, version: served.version }, predictions, probabilities };
    } catch (error) {
      this.publish(request, version, started, error instanceof AppError ? error.code : 'INTERNAL_ERROR');
      throw error;
    }
  }

  private publish(request: PredictionRequest, version: number | null, started: number, outcome: string): void {
    const data: PredictionEventData = {
      model: request.model,
      version,
      rows: Array.isArray(request.rows) ? request.rows.length : 0,
      latencyMs: Math.round((performance.now() - started) * 1000) / 1000,
      source: request.source,
      ...(request.actor ? { actor: request.actor } : {}),
      ...(request.abTest ? { abTest: request.abTest } : {}),
      outcome,
    };
    this.bus.publish('ml.prediction', data, request.model);
  }
}
