import { classificationMetrics, regressionMetrics } from '../adapters/node/metrics';

/** The metric a decay is judged on, per task, and whether a larger value is better. */
const HEADLINE: Record<'classification' | 'regression', { metric: string; higherIsBetter: boolean }> = {
  classification: { metric: 'accuracy', higherIsBetter: true },
  regression: { metric: 'rmse', higherIsBetter: false },
};

export interface PerformanceResult {
  metric: string;
  /** The version's value of the metric on its validation data, recorded at training; null when it has none. */
  reference: number | null;
  current: number;
  /** How much worse, relative to the reference (0.12 = 12% worse); negative when better; null without a reference or from a reference of 0. */
  decline: number | null;
  decayed: boolean;
  rows: number;
  /** Every metric the task has, on the labelled rows (definitions as scikit-learn's). */
  metrics: Record<string, number>;
  /** Rows received in the window that the version could not take (reported against another version's signature). */
  skipped?: number;
}

/**
 * The model's metrics on labelled rows, against those it was registered with. Class labels compare
 * as text, so a label reported as 1 matches the class "1".
 */
export function performanceOf(task: 'classification' | 'regression', actual: unknown[], predicted: unknown[], recorded: Record<string, number>, maxDecline: number): PerformanceResult {
  const { metric, higherIsBetter } = HEADLINE[task];
  let metrics: Record<string, number>;
  if (task === 'classification') {
    const labels = [...new Set([...actual, ...predicted].map(String))].sort();
    const index = new Map(labels.map((label, i) => [label, i]));
    metrics = classificationMetrics(actual.map((a) => index.get(String(a))!), predicted.map((p) => index.get(String(p))!), labels.length);
  } else {
    metrics = regressionMetrics(actual.map(Number), predicted.map(Number));
  }
  const current = metrics[metric];
  const reference = Number.isFinite(recorded[metric]) ? recorded[metric] : null;
  if (reference === null) return { metric, reference, current, decline: null, decayed: false, rows: actual.length, metrics };
  const worse = higherIsBetter ? reference - current : current - reference;
  // no relative change from a perfect 0 error: any error at all is a decay
  if (reference === 0) return { metric, reference, current, decline: null, decayed: worse > 0, rows: actual.length, metrics };
  const decline = worse / Math.abs(reference);
  return { metric, reference, current, decline, decayed: decline > 0 && decline >= maxDecline, rows: actual.length, metrics };
}
