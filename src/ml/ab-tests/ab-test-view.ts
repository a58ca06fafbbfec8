import type { AbTest } from './ab-test.entity';

/** A test as the API shows it; the list leaves out the results snapshot of each conclusion. */
export function abTestView(test: AbTest, options: { withResults?: boolean } = {}) {
  const conclusion = test.conclusion && (options.withResults === false ? { ...test.conclusion, results: undefined } : test.conclusion);
  return {
    name: test.name,
    model: test.modelName,
    status: test.status,
    variants: test.variants.map((v, i) => ({ ...v, control: i === 0 })),
    metric: { kind: test.metricKind, name: test.metricName },
    minimumDetectableEffect: test.minimumDetectableEffect,
    alpha: test.alpha,
    power: test.power,
    createdBy: test.createdBy,
    createdAt: test.createdAt,
    stoppedAt: test.stoppedAt,
    stoppedBy: test.stoppedBy,
    concludedAt: test.concludedAt,
    conclusion,
  };
}
