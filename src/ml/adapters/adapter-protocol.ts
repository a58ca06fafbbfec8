/**
 * The JSON Lines protocol between the training worker and an adapter process, the same for the
 * Python and the Node adapter: one spec line on stdin (stdin then stays open; EOF tells the adapter
 * to exit), events as lines on stdout. Exit code 0 = success, 2 = bad data (never retried).
 */
export const ADAPTER_EXIT_DATA_ERROR = 2;

export type Task = 'classification' | 'regression';
export type Validation = { holdout: number } | { folds: number };

export interface AdapterSpec {
  framework: 'sklearn' | 'torch' | 'node';
  algorithm: string;
  task: Task;
  dataset: { path: string; format: 'csv' | 'jsonl' };
  target: string;
  features: string[];
  hyperparameters: Record<string, unknown>;
  validation: Validation;
  seed: number;
  outputDir: string;
  /** Report this validation metric as a `metric` event with a step after every step of the fit. */
  intermediateMetric?: string;
  /** `importance`: no training; the permutation importance of the model at modelPath on the validation rows. */
  mode?: 'train' | 'importance';
  modelPath?: string;
  metric?: string;
  repeats?: number;
}

/** Past this many distinct values a category feature's `categories` are left out (and its values go unchecked when serving). */
export const MAX_FEATURE_CATEGORIES = 1000;

export interface FeatureInfo {
  name: string;
  type: 'number' | 'category';
  /** Category features: every value seen in the training data, sorted; absent past MAX_FEATURE_CATEGORIES. */
  categories?: string[];
}

export type AdapterEvent =
  | { type: 'progress'; fraction: number; stage: string; message?: string }
  | { type: 'metric'; name: string; value: number; step?: number }
  | { type: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; message: string }
  | { type: 'artifact'; path: string; name: string; contentType: string }
  | {
      type: 'result';
      metrics: Record<string, number>;
      classes: string[] | null;
      features: FeatureInfo[];
      rows: { total: number; train: number; validation: number };
      libraries: Record<string, string>;
      durationMs: number;
    }
  | { type: 'error'; kind: 'data' | 'internal'; message: string }
  /** mode `importance`: each column's drop of the metric when shuffled (positive: the model relies on it). */
  | { type: 'importance'; metric: string; baseline: number; rows: number; importances: Record<string, { mean: number; std: number; values: number[] }> };

export type AdapterResult = Extract<AdapterEvent, { type: 'result' }>;
