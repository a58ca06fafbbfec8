import type { ModelVersion } from '../registry/registry.entities';

/** A column of a model's output as drift compares it: the prediction, or one class's probability. */
export interface PredictionColumn {
  name: string;
  kind: 'numeric' | 'categorical';
  valueOf(prediction: unknown, probabilities: Record<string, number> | null): unknown;
}

/**
 * The output columns whose distribution prediction drift compares: the predicted class (categorical)
 * and each class's probability (numeric) for a classifier that gives probabilities, the predicted
 * value (numeric) for a regressor.
 */
export function predictionColumns(version: Pick<ModelVersion, 'signature'>, withProbabilities: boolean): PredictionColumn[] {
  const output = version.signature?.output;
  if (output?.task !== 'classification') return [{ name: 'prediction', kind: 'numeric', valueOf: (prediction) => prediction }];
  const prediction: PredictionColumn = { name: 'prediction', kind: 'categorical', valueOf: (value) => value };
  if (!withProbabilities || !output.classes?.length) return [prediction];
  return [prediction, ...output.classes.map((label) => ({ name: `probability(${label})`, kind: 'numeric' as const, valueOf: (_: unknown, probabilities: Record<string, number> | null) => probabilities?.[label] ?? null }))];
}
