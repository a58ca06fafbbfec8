/** One input row: column name → value, as a client sends it. */
export type InputRow = Record<string, unknown>;

export interface PredictionRequest {
  model: string;
  /** A version number, an alias, a stage or `latest`; the Production version when left out. */
  ref?: string;
  rows: InputRow[];
  /** Where the request came from, for the `ml.prediction` event: rest, mcp, cli, ab-test, batch. */
  source: string;
  /** The API key (or `anonymous`) that asked. */
  actor?: string;
  /** False for the hub's own predictions (a monitor's reference, its ground truth): they are not live traffic, so no row is sampled into the prediction log. */
  sample?: boolean;
  /** Set when the request goes through an A/B test. */
  abTest?: { name: string; variant: string };
  /** How the caller's body named row i's column, for error fields; `instances[i].column` when left out. */
  fieldOf?: (row: number, column?: string) => string;
  /**
   * Called once the rows pass the signature check, before the model runs: an error thrown here
   * refuses the request with nothing served or logged (an A/B test records the unit here, and a
   * test stopped meanwhile refuses it).
   */
  admit?: () => Promise<void>;
}

/** What a model answers for rows, whoever ran it. */
export type Predictions = Omit<PredictionResult, 'model'>;

export interface PredictionResult {
  model: { name: string; version: number };
  /** One per row: a class label for a classifier, a number for a regressor. */
  predictions: (string | number)[];
  /** One per row, class label → probability; null for regressors and classifiers without probabilities. */
  probabilities: Record<string, number>[] | null;
}

/**
 * What other ML capabilities (A/B tests, batch prediction, MCP tools) call to run a registered
 * model. Rows are checked against the version's signature first: a bad row is a ValidationFailedError
 * naming `instances[i].column`; an unknown model or ref is a NotFoundError. Implemented by the
 * inference module's PredictionService; injected by this class as the token.
 */
export abstract class ModelPredictor {
  abstract predict(request: PredictionRequest): Promise<PredictionResult>;
}
