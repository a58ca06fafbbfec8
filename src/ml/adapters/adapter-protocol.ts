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
}

export interface FeatureInfo {
  name: string;
  type: 'number' | 'category';
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
  | { type: 'error'; kind: 'data' | 'internal'; message: string };

export type AdapterResult = Extract<AdapterEvent, { type: 'result' }>;
