import { Injectable, Logger } from '@nestjs/common';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { ApiKeyAuthorizer } from '../../platform/auth/api-key-authorizer';
import { actorOf } from '../../platform/auth/api-keys.service';
import { requestRefusal } from '../../platform/auth/request-origin.middleware';
import { AppConfig } from '../../platform/config/app-config';
import { AppError, ValidationFailedError } from '../../platform/errors/app-error';
import { answerFailure } from '../../platform/http/answer-failure';
import { BODY_LIMIT } from '../../platform/http/configure-http-app';
import { parseJsonBody } from '../../platform/http/json-body';
import { readRequestText } from '../../platform/http/raw-request-body';
import { serveBeforeRest } from '../../platform/http/serve-before-rest';
import { requestIdOf } from '../../platform/logging/logging.module';
import { HttpDrain } from '../../platform/shutdown/http-drain';
import { ModelPredictor } from './model-predictor';
import { parsePredictionBody } from './prediction-body';
import { PredictRoute, predictRequestProblems, predictRoute } from './predict-request';

class RequestRefusedError extends AppError {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The serving hot path: `POST /api/ml/models/{name}/predict` and `/invocations` answered in front of
 * Express, with the REST app's rules in its order — drain gate, Origin/Host (403) and body type
 * (415), JSON body (413, 400), API key with scope `read` and its rate limit, the route's validation
 * (400 naming the field) — and its error bodies. It skips Express routing, the request logger and
 * Nest's pipes, which cost several times the prediction of a small model. Each prediction is
 * recorded as an `ml.prediction` event; refusals are logged here. InferenceController keeps the
 * routes' documentation and serves the forms this path leaves to Express.
 */
@Injectable()
export class PredictIngress {
  private readonly logger = new Logger('PredictIngress');

  constructor(
    private readonly config: AppConfig,
    private readonly drain: HttpDrain,
    private readonly authorizer: ApiKeyAuthorizer,
    private readonly predictor: ModelPredictor,
  ) {}

  attach(server: Server): void {
    serveBeforeRest(server, (req) => predictRoute(req.method, req.url, req.headers), (route, req, res) => this.serve(route, req, res));
  }

  private async serve(route: PredictRoute, req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      if (!this.drain.admit(req, res)) return;
      const refusal = requestRefusal(this.config, req.method, req.url!, req.headers);
      if (refusal) throw new RequestRefusedError(refusal.statusCode, refusal.code, refusal.message);
      const body = parseJsonBody(await readRequestText(req, BODY_LIMIT));
      const principal = this.authorizer.enabled ? await this.authorizer.authorize(req.headers, { scope: 'read', profileAware: false }, req.socket.remoteAddress) : undefined;
      const { problems, ref } = predictRequestProblems(route, body);
      if (problems.length) throw new ValidationFailedError(problems);
      const { rows, fieldOf } = parsePredictionBody(body, this.config.serving.maxRows);
      const result = await this.predictor.predict({ model: route.name, ref, rows, fieldOf, source: 'rest', actor: actorOf(principal) });
      const text = JSON.stringify(route.action === 'predict' ? result : { predictions: result.predictions });
      requestIdOf(req, res);
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) }).end(text);
    } catch (error) {
      answerFailure(this.logger, req, res, error);
    }
  }
}
