/**
 * What features publish on the in-process bus. `type` follows the telemetry event types
 * (mcp.server.state, mcp.tool.call, ...); `subject` names the thing it is about (a server, a tool).
 * Names in `data` may come from a caller: `mcp.tool.call` carries `known: true` only when the catalog
 * holds that server's tool, so subscribers that key memory by name (metrics, anomalies) can skip the rest.
 */
export interface HubEvent<T extends Record<string, unknown> = Record<string, unknown>> {
  type: string;
  subject?: string;
  time: string;
  data: T;
  /** Set on events that happened in another hub or worker process: its instance id. */
  origin?: string;
}

/** `ml.prediction`: one prediction request answered (or refused) by a registered model. */
export interface PredictionEventData extends Record<string, unknown> {
  model: string;
  /** null when the request failed before a version was chosen (unknown model or ref). */
  version: number | null;
  rows: number;
  latencyMs: number;
  /** rest, mcp, cli, ab-test, batch */
  source: string;
  actor?: string;
  abTest?: { name: string; variant: string };
  /** `ok`, or the error code (VALIDATION_FAILED, MODEL_NOT_FOUND, ADAPTER_UNAVAILABLE ...). */
  outcome: string;
}

/** Payloads of typed events, by type: a publisher names the payload as `bus.publish<HubEventMap['ml.abtest.created']>(...)`. */
export type HubEventMap = {
  'ml.prediction': PredictionEventData;
  'ml.abtest.created': { test: string; model: string; variants: { name: string; version: number; weight: number }[]; metric: { kind: string; name: string }; actor: string };
  'ml.abtest.stopped': { test: string; model: string; actor: string };
  'ml.abtest.concluded': { test: string; model: string; winner: string | null; version: number | null; promoted: boolean; actor: string };
  'ml.study.created': { study: string; adapter: string; algorithm: string; sampler: string; pruner: string | null; maxTrials: number; maxParallel: number; objective: { metric: string; direction: string } };
  /** A trial ended: its value when complete, its error when failed. */
  'ml.study.trial': { study: string; number: number; state: 'complete' | 'pruned' | 'failed'; value: number | null; params: Record<string, unknown>; jobId: string | null; error?: string };
  'ml.explanation': { model: string; version: number; rows: number; method: 'exact' | 'sampled'; evaluations: number; latencyMs: number };
  /** A drift monitor's run found drifted input columns, drifted predictions or a performance decay on ground truth. */
  'ml.drift.detected': {
    monitor: string;
    model: string;
    version: number;
    drifted: string[];
    share: number;
    predictionDrift: boolean;
    performance?: { metric: string; reference: number | null; current: number; decayed: boolean };
    runId: string;
    rows: number;
  };
  'ml.study.finished': { study: string; status: string; trials: number; complete: number; pruned: number; failed: number; best: { number: number; value: number } | null };
};
